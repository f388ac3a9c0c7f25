// `npm run sync` against the fake Kubernetes API, with real git: HEAD of a temporary clone
// is pushed to a local bare repository standing in for the in-cluster git server.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Deps } from '../../src/cli/deps.ts';
import { runProcess, type Runner } from '../../src/adapters/process.ts';
import { CREDENTIAL_HELPER } from '../../src/adapters/git-server.ts';
import { buildGitAdminSecret, GIT_SERVER } from '../../src/core/git-server.ts';
import { ARGO_RESOURCES, startFakeKube, type FakeKube } from '../support/fake-kube.ts';
import { tempDir } from '../support/temp.ts';
import { captureIo, makeDeps, simulateCluster } from '../bootstrap/harness.ts';

const PASSWORD = 'pw-sync-test-0123456789abcdef';
const CLUSTER = (serve: string) => `name: kind-soma
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: https://github.com/example/somastack.git, revision: main${serve} }
components: [platform, cnpg, cert-manager, postgres, vault, prometheus, grafana]
kind: { name: soma, hostPorts: { argocd: 18080, grafana: 13000 } }
`;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();

/** A clone with the cluster input and one generated file, committed. */
function makeClone(serve = ', serve: local'): { root: string; head: string } {
  const root = tempDir('sync-repo-');
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('clusters/kind-soma/cluster.yaml', CLUSTER(serve));
  write('bootstrap/clusters/kind-soma/root-app.yaml', 'kind: Application\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'first');
  return { root, head: git(root, 'rev-parse', 'HEAD') };
}

const fakes: FakeKube[] = [];
afterEach(async () => void (await Promise.all(fakes.splice(0).map((f) => f.close()))));

interface Setup {
  serve?: string;
  secret?: boolean;
  stale?: string[];
  over?: (bare: string) => Partial<Deps>;
}

async function setup(o: Setup = {}) {
  const { root, head } = makeClone(o.serve);
  const bare = tempDir('sync-server-');
  git(bare, 'init', '-q', '--bare');
  const fake = await startFakeKube();
  fakes.push(fake);
  simulateCluster(fake, { revision: head });
  // As bootstrap leaves it: Argo CD's CRDs, the root Application, the git server's Secret.
  for (const res of ARGO_RESOURCES) fake.register(res);
  fake.put({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'kind-soma-root', namespace: 'argocd' },
    spec: {},
  });
  if (o.secret !== false) fake.put(buildGitAdminSecret(PASSWORD));
  const env = { KUBECONFIG: fake.writeKubeconfig(tempDir('kc-')), HOME: root, GIT_CONFIG_GLOBAL: '/dev/null' };
  const io = captureIo(root, env);
  const calls: { args: readonly string[]; env?: Record<string, string | undefined> }[] = [];
  const runner: Runner = (command, args, opts) => {
    calls.push({ args, env: opts?.env });
    return runProcess(command, args, opts);
  };
  const repoCalls: string[] = [];
  const deps: Deps = {
    ...makeDeps(io, runner as never),
    repo: {
      ...makeDeps(io, runner as never).repo,
      loadClusters: (await import('../../src/adapters/inputs.ts')).loadClusters,
      buildTree: async () => new Map(),
      compareTree: async () => ({ stale: o.stale ?? [], missing: [], extra: [] }),
    },
    gitServer: {
      target: () => ({ baseUrl: 'http://git.test', pushUrl: bare }),
      ensureRepo: async (_t, cred) => {
        repoCalls.push(cred.username);
        return false;
      },
    },
    ...o.over?.(bare),
  };
  const run = async (...argv: string[]) => {
    io.out.length = 0;
    io.err.length = 0;
    const code = await main(['sync', '--timeout', '5m', ...argv], io, { deps });
    return { code, stdout: io.out.join(''), stderr: io.err.join('') };
  };
  const serverHead = () =>
    execFileSync('git', ['rev-parse', '--verify', '--quiet', 'refs/heads/main'], {
      cwd: bare,
      encoding: 'utf8',
    }).trim();
  return { root, head, bare, fake, run, calls, repoCalls, serverHead };
}

describe('npm run sync', () => {
  it('pushes HEAD to the server and waits until every Application is Synced and Healthy at it', async () => {
    const s = await setup();
    const r = await s.run();
    expect(r.stderr).toContain('[1/2] Push HEAD');
    expect(r.stderr).toContain('[2/2] Synced and Healthy');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`pushed ${s.head.slice(0, 7)} to 'main'`);
    expect(s.serverHead()).toBe(s.head);
    expect(s.repoCalls).toEqual([GIT_SERVER.owner]);
    expect(r.stdout).toContain(`Synced kind-soma to ${s.head.slice(0, 7)}`);
    expect(r.stdout).toMatch(/grafana\s+kind-soma-grafana\s+\S+/);
    // The credential reaches git only through its environment.
    const push = s.calls.find((c) => c.args.includes('push'))!;
    expect(push.env?.SOMA_GIT_PASSWORD).toBe(PASSWORD);
    expect(JSON.stringify(s.calls.map((c) => c.args))).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('reports JSON with the commit and per-component timing, and a re-run pushes the same commit', async () => {
    const s = await setup();
    expect((await s.run()).code).toBe(0);
    const r = await s.run('--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // The server already had HEAD: nothing changed.
    expect(json).toMatchObject({
      cluster: 'kind-soma',
      context: 'kind-soma',
      ok: true,
      changed: false,
      commit: s.head,
    });
    expect(json.steps[0].summary).toBe(`'main' on the in-cluster git server is already at ${s.head.slice(0, 7)}`);
    expect(json.components.map((c: { application: string }) => c.application)).toContain('kind-soma-postgres');
    expect(s.serverHead()).toBe(s.head);
    expect(r.stdout).not.toContain(PASSWORD);
  });

  it('pushes a new commit over what the server had', async () => {
    const s = await setup();
    expect((await s.run()).code).toBe(0);
    writeFileSync(join(s.root, 'clusters/kind-soma/cluster.yaml'), `${CLUSTER(', serve: local')}# edited\n`);
    git(s.root, 'commit', '-qam', 'edit');
    const next = git(s.root, 'rev-parse', 'HEAD');
    // Argo CD is still at the old commit: the wait must not accept it (it times out here).
    const r = await s.run('--timeout', '10s');
    expect(s.serverHead()).toBe(next);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`waiting for ${next.slice(0, 7)}`);
  });

  it('refuses generated files with uncommitted changes, before pushing', async () => {
    const s = await setup();
    writeFileSync(join(s.root, 'bootstrap/clusters/kind-soma/root-app.yaml'), 'kind: Application # edited\n');
    const r = await s.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uncommitted changes (bootstrap/clusters/kind-soma/root-app.yaml)');
    expect(r.stderr).toContain('fix: commit them');
    expect(() => s.serverHead()).toThrow();
  });

  it('refuses a generated tree that generate --check would flag', async () => {
    const s = await setup({ stale: ['apps/kind-soma/grafana.yaml'] });
    const r = await s.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the generated tree is out of date (1 file(s), e.g. apps/kind-soma/grafana.yaml)');
    expect(r.stderr).toContain('fix: run `npm run generate`');
    expect(() => s.serverHead()).toThrow();
  });

  it('refuses a cluster that is not in local mode, naming the field', async () => {
    const s = await setup({ serve: '' });
    const r = await s.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("clusters/kind-soma/cluster.yaml: repository.serve is not 'local'");
    expect(r.stderr).toContain('fix: set repository.serve: local');
  });

  it('picks the cluster by its Kind context with --context, and names the choices when none matches', async () => {
    const s = await setup();
    expect((await s.run('--context', 'kind-soma')).code).toBe(0);
    const r = await s.run('--context', 'kind-other');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no cluster under clusters/ has the Kind context 'kind-other'");
    expect(r.stderr).toContain('kind-soma (context kind-soma)');
  });

  it('says what to run when the server was never set up', async () => {
    const s = await setup({ secret: false });
    const r = await s.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret} is missing`);
    expect(r.stderr).toContain('fix: run `npm run bootstrap`');
  });

  it('fails clearly when the server is unreachable', async () => {
    // Nothing listens on port 1: the real API client and git both get "connection refused".
    const s = await setup({
      over: () => ({
        gitServer: {
          ...makeDeps(captureIo('/', {}), runProcess as never).gitServer,
          target: () => ({ baseUrl: 'http://127.0.0.1:1', pushUrl: 'http://127.0.0.1:1/soma/somastack.git' }),
        },
      }),
    });
    const r = await s.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach the in-cluster git server at http://127.0.0.1:1');
    expect(r.stderr).toContain('fix: the server is published on http://127.0.0.1:1 by the Kind port mapping');
    expect(r.stderr).not.toContain(PASSWORD);
  });
});

describe('the push credential helper', () => {
  it('hands git the credential from its environment only', () => {
    const out = execFileSync(
      'git',
      ['-c', 'credential.helper=', '-c', `credential.helper=${CREDENTIAL_HELPER}`, 'credential', 'fill'],
      {
        input: 'protocol=http\nhost=127.0.0.1:3330\n\n',
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_CONFIG_GLOBAL: '/dev/null',
          SOMA_GIT_USERNAME: 'soma',
          SOMA_GIT_PASSWORD: PASSWORD,
          GIT_TERMINAL_PROMPT: '0',
        },
      },
    );
    expect(out).toContain('username=soma\n');
    expect(out).toContain(`password=${PASSWORD}\n`);
    expect(CREDENTIAL_HELPER).not.toContain(PASSWORD);
  });
});
