// `npm run bootstrap` for a cluster with `repository.serve: local`, in the bootstrap test
// world (fake API, fake machine): the git server goes up in its own namespace with a random
// admin Secret, HEAD is pushed, Argo CD is pointed at the in-cluster URL, and a re-run
// changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/cli/deps.ts';
import { UserError } from '../../src/core/errors.ts';
import { buildRootApplication } from '../../src/core/argocd.ts';
import { parseClusterConfig } from '../../src/core/cluster-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { buildGitServerObjects, GIT_SERVER, gitServerPath, LOCAL_REPO_URL } from '../../src/core/git-server.ts';
import { buildKindConfig } from '../../src/core/kind-config.ts';
import { toYaml, toYamlStream } from '../../src/core/yaml.ts';
import { HEAD, markRolledOut } from '../bootstrap/harness.ts';
import { bootstrap, closeFakes, world, type World } from '../bootstrap/world.ts';

afterEach(closeFakes);

const LOCAL_YAML = `name: kind-soma
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: https://github.com/example/somastack.git, revision: main, serve: local }
components: [platform, cnpg, cert-manager, postgres, vault, prometheus, grafana]
kind: { name: soma, hostPorts: { argocd: 18080, grafana: 13000 } }
`;

/** Turns the world's repository into a local-mode one and fakes the push and the server's API. */
function localMode(w: World, published = '127.0.0.1:3330\n') {
  const write = (path: string, text: string) => {
    mkdirSync(join(w.root, path, '..'), { recursive: true });
    writeFileSync(join(w.root, path), text);
  };
  const parsed = parseClusterConfig('clusters/kind-soma/cluster.yaml', 'kind-soma', LOCAL_YAML);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  write('clusters/kind-soma/cluster.yaml', LOCAL_YAML);
  write('bootstrap/clusters/kind-soma/kind-config.yaml', toYaml(buildKindConfig(parsed.config)));
  write('bootstrap/clusters/kind-soma/root-app.yaml', toYamlStream([buildRootApplication(parsed.config)]));
  write(gitServerPath('kind-soma'), toYamlStream(buildGitServerObjects()));
  // The git server's Deployment rolls out like Argo CD's do.
  w.fake.onWrite((o, _verb, f) => {
    if (o.kind === 'Deployment' && o.metadata.namespace === GIT_SERVER.namespace)
      markRolledOut(f, f.get('apps/v1', 'Deployment', o.metadata.name, o.metadata.namespace)!);
  });
  const ports: string[] = [];
  const pushes: { args: readonly string[]; env?: Record<string, string | undefined> }[] = [];
  const machine = w.machine;
  const runner = (async (
    command: string,
    args: readonly string[],
    opts?: { env?: Record<string, string | undefined> },
  ) => {
    if (command === 'docker' && args[0] === 'port') {
      ports.push(args.join(' '));
      return published
        ? { code: 0, stdout: published, stderr: '' }
        : { code: 1, stdout: '', stderr: 'Error: No public port' };
    }
    if (command === 'git' && args.includes('push')) {
      pushes.push({ args, env: opts?.env });
      // What `git push --porcelain` prints: '*' a new branch, '=' already up to date.
      const flag = pushes.length === 1 ? '*' : '=';
      return { code: 0, stdout: `To ${args.at(-2)}\n${flag}\tHEAD:refs/heads/main\t[new branch]\nDone\n`, stderr: '' };
    }
    return machine(command, args, opts);
  }) as unknown as Deps['runner'];
  const created: string[] = [];
  const gitServer: Deps['gitServer'] = {
    target: (port) => ({ baseUrl: `http://127.0.0.1:${port}`, pushUrl: `http://127.0.0.1:${port}/soma/somastack.git` }),
    ensureRepo: async () => {
      created.push('repo');
      return created.length === 1;
    },
  };
  return { deps: { runner, gitServer }, pushes, ports, created, config: parsed.config };
}

const decode = (o: KubeObject | undefined, key: string) =>
  Buffer.from(((o?.data ?? {}) as Record<string, string>)[key] ?? '', 'base64').toString();

describe('bootstrap in local mode', () => {
  it('runs the git server, pushes HEAD and points Argo CD at the in-cluster URL', async () => {
    const w = await world();
    const local = localMode(w);
    const { code, stdout, stderr } = await bootstrap(w, {}, local.deps);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stderr).toContain('repository mode: local');
    expect(w.machine.lines()).not.toContainEqual(expect.stringMatching(/^git ls-remote/));

    const ns = w.fake.get('v1', 'Namespace', GIT_SERVER.namespace)!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const admin = w.fake.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace)!;
    const password = decode(admin, 'password');
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(w.fake.get('apps/v1', 'Deployment', GIT_SERVER.name, GIT_SERVER.namespace)).toBeDefined();

    const repo = w.fake.get('v1', 'Secret', 'kind-soma-repository', 'argocd');
    expect(decode(repo, 'url')).toBe(LOCAL_REPO_URL);
    expect(decode(repo, 'password')).toBe(password);
    const root = w.fake.get('argoproj.io/v1alpha1', 'Application', 'kind-soma-root', 'argocd')!;
    expect((root.spec as { source: { repoURL: string } }).source.repoURL).toBe(LOCAL_REPO_URL);

    expect(local.pushes).toHaveLength(1);
    expect(local.pushes[0]!.args.slice(-3)).toEqual([
      '--porcelain',
      'http://127.0.0.1:3330/soma/somastack.git',
      'HEAD:refs/heads/main',
    ]);
    expect(local.pushes[0]!.env?.SOMA_GIT_PASSWORD).toBe(password);
    expect(JSON.stringify(local.pushes[0]!.args)).not.toContain(password);
    expect(stdout + stderr).not.toContain(password);
    expect(stderr).toContain(`HEAD ${HEAD.slice(0, 7)} pushed to main`);
  });

  it('changes nothing on a re-run and keeps the admin password', async () => {
    const w = await world();
    const local = localMode(w);
    expect((await bootstrap(w, {}, local.deps)).code).toBe(0);
    const before = decode(w.fake.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace), 'password');
    const again = await bootstrap(w, { json: true }, local.deps);
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout);
    expect(result.steps.find((s: { name: string }) => s.name === 'repository').changed).toBe(false);
    expect(decode(w.fake.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace), 'password')).toBe(before);
    expect(again.stdout).not.toContain(before);
  });

  it('resumes after an interruption inside the step (server up, Secret made, nothing pushed yet)', async () => {
    const w = await world();
    const local = localMode(w);
    const interrupted: Deps['gitServer'] = {
      ...local.deps.gitServer,
      ensureRepo: async () => {
        throw new UserError('interrupted (Ctrl-C)');
      },
    };
    const first = await bootstrap(w, {}, { ...local.deps, gitServer: interrupted });
    expect(first.code).toBe(2);
    const password = decode(w.fake.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace), 'password');
    expect(local.pushes).toEqual([]);
    const second = await bootstrap(w, {}, local.deps);
    expect(second.code).toBe(0);
    expect(decode(w.fake.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace), 'password')).toBe(password);
    expect(local.pushes).toHaveLength(1);
    expect(w.machine.lines().filter((l) => l.startsWith('kind create'))).toHaveLength(1);
  });

  it('refuses a Kind cluster created without the git port mapping, before applying anything', async () => {
    const w = await world({ machine: { clusters: ['soma'] } });
    const local = localMode(w, '');
    const r = await bootstrap(w, {}, local.deps);
    expect(r.code).toBe(2);
    expect(local.ports).toEqual(['port soma-control-plane 30330/tcp']);
    expect(r.stderr).toContain(
      "the Kind cluster 'soma' does not publish the git server's node port 30330 on host port 3330",
    );
    expect(r.stderr).toContain(
      'fix: recreate it with the current Kind config: `npm run teardown`, then `npm run bootstrap`',
    );
    expect(w.fake.get('v1', 'Namespace', GIT_SERVER.namespace)).toBeUndefined();
    expect(local.pushes).toEqual([]);
  });

  it('preflight names the mode in the default (remote) mode too', async () => {
    const w = await world();
    const r = await bootstrap(w);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('repository mode: remote — Argo CD clones https://github.com/example/somastack.git');
  });

  it('shows the server and where its credential lives in --dry-run, never the credential', async () => {
    const w = await world();
    const local = localMode(w);
    const r = await bootstrap(w, { 'dry-run': true, json: true }, local.deps);
    const plan = JSON.parse(r.stdout);
    expect(plan.repository.url).toBe(LOCAL_REPO_URL);
    expect(plan.repository.credentials).toContain(`Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret}`);
    expect(w.fake.all('Secret')).toHaveLength(0);
  });
});
