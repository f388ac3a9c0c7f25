// The scenarios of issue 4 where bootstrap must refuse or stop early: wrong kube context,
// non-Kind cluster, preflight problems (Docker, missing kind, ports, unpushed commits),
// --dry-run touching nothing, and tokens never shown.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKube } from '../support/fake-kube.ts';
import { CHILDREN } from './harness.ts';
import { bootstrap, closeFakes, fakes, world } from './world.ts';
import { tempDir } from '../support/temp.ts';

afterEach(closeFakes);

describe('wrong kube context', () => {
  it('never talks to another cluster when the Kind context is missing', async () => {
    const prod = await startFakeKube();
    fakes.push(prod);
    const w = await world({ machine: { clusters: ['soma'] } });
    const file = prod.writeKubeconfig(tempDir('kc-'), { context: 'prod', current: 'prod' });
    w.io.env.KUBECONFIG = file;
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(2);
    expect(w.machine.lines()).toContain('kind export kubeconfig --name soma');
    expect(stderr).toContain(`error: Kind cluster: no kubeconfig context 'kind-soma' in ${file}`);
    expect(prod.requests).toEqual([]);
    expect(w.fake.requests).toEqual([]);
  });

  it('refuses a kind-soma context whose API server is not local', async () => {
    const w = await world({ machine: { clusters: ['soma'] } });
    const dir = tempDir('kc-');
    writeFileSync(join(dir, 'config'), JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'kind-soma',
      clusters: [{ name: 'kind-soma', cluster: { server: 'https://prod.example.com:6443' } }],
      users: [{ name: 'kind-soma', user: { token: 't' } }],
      contexts: [{ name: 'kind-soma', context: { cluster: 'kind-soma', user: 'kind-soma' } }],
    }));
    w.io.env.KUBECONFIG = join(dir, 'config');
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(2);
    expect(stderr).toContain("refusing to use context 'kind-soma': its API server https://prod.example.com:6443 is not on this machine");
    expect(w.fake.requests).toEqual([]);
  });

  it('names the missing context of a cluster that is not Kind, before running anything', async () => {
    const w = await world();
    const { code, stderr } = await bootstrap(w, { cluster: 'prod' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/no kubeconfig context for cluster 'prod': clusters\/prod\/cluster.yaml sets none and --context was not given/);
    expect(stderr).toMatch(/\n {2}fix: /);
    expect(stderr).not.toMatch(/bug/);
    expect(w.machine.calls).toEqual([]);
  });
});

describe('preflight', () => {
  it('stops before touching anything when Docker is not running, with the fix', async () => {
    const w = await world({ machine: { docker: 'down' } });
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(2);
    expect(stderr).toContain('error: Preflight: preflight found 1 problem(s):');
    expect(stderr).toContain('the Docker daemon is not reachable: Cannot connect to the Docker daemon');
    expect(stderr).toContain('fix: start Docker Desktop (or `sudo systemctl start docker`)');
    expect(w.machine.lines().some((l) => l.startsWith('kind create') || l.startsWith('kind get'))).toBe(false);
    expect(w.fake.requests).toEqual([]);
  });

  it('reports every problem at once: no Docker, missing kind, a port in use', async () => {
    const w = await world({ machine: { docker: 'missing', kind: 'missing' } });
    const { code, stderr } = await bootstrap(w, {}, { portFree: async (port) => port !== 18080 });
    expect(code).toBe(2);
    expect(stderr).toContain('preflight found 3 problem(s)');
    expect(stderr).toContain('docker is not installed');
    expect(stderr).toContain('kind is not installed');
    expect(stderr).toContain('fix: run `npm run bootstrap -- --install-tools`');
    expect(stderr).toContain('host port 127.0.0.1:18080 (published by the Kind config) is already in use');
  });

  it('does not install missing kind without --install-tools when nobody can be asked', async () => {
    let installs = 0;
    const w = await world({ machine: { kind: 'missing' } });
    const { code } = await bootstrap(w, {}, { installTool: async () => `${++installs}` });
    expect(code).toBe(2);
    expect(installs).toBe(0);
  });

  it('installs pinned kind into .tools/bin with --install-tools, then uses it', async () => {
    const w = await world({ machine: { kind: 'missing' } });
    const installed: string[] = [];
    const { code, stderr } = await bootstrap(w, { 'install-tools': true }, {
      installTool: async (name) => {
        installed.push(name);
        return join(w.root, '.tools', 'bin', name);
      },
    });
    expect(code).toBe(0);
    expect(installed).toEqual(['kind']);
    expect(stderr).toContain('installed kind v0.33.0 into .tools/bin');
    const create = w.machine.calls.find((c) => c.args[0] === 'create')!;
    expect(create.command).toBe(join(w.root, '.tools', 'bin', 'kind'));
  });

  it('asks before installing on a terminal', async () => {
    const w = await world({ machine: { kind: 'old' }, interactive: true, answer: true });
    const installed: string[] = [];
    const { code } = await bootstrap(w, {}, { installTool: async (name) => (installed.push(name), join(w.root, '.tools', 'bin', name)) });
    expect(code).toBe(0);
    expect(installed).toEqual(['kind']);
  });

  it('warns when HEAD is not pushed, and waits for the pushed revision', async () => {
    const pushed = 'b'.repeat(40);
    const w = await world({ machine: { remoteHead: pushed }, sim: { revision: pushed } });
    const { code, stderr } = await bootstrap(w);
    expect(code).toBe(0);
    expect(stderr).toContain(`2 commit(s) on HEAD (aaaaaaa) are not pushed: Argo CD will sync 'main' at bbbbbbb, not what is checked out`);
    expect(stderr).toContain('fix: git push origin HEAD:main');
    expect(stderr).toMatch(/1 warning\(s\):\n {2}! 2 commit\(s\) on HEAD/);
  });

  it('keeps waiting while Argo CD reports another revision', async () => {
    const w = await world({ sim: { revision: 'c'.repeat(40) } });
    const { code, stderr } = await bootstrap(w, { timeout: '40s' });
    expect(code).toBe(1);
    expect(stderr).toContain('kind-soma-root: Synced/Healthy at ccccccc, waiting for aaaaaaa');
    // Each Application behind was asked once (within the minute) to look at git now.
    const refreshes = w.fake.requests.filter((r) => r.method === 'PATCH' && r.contentType.startsWith('application/merge-patch+json'));
    expect(refreshes.map((r) => r.path).sort()).toEqual(['kind-soma-root', ...CHILDREN].map((n) => `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${n}`).sort());
    expect(refreshes.every((r) => JSON.stringify(r.body) === JSON.stringify({ metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } }))).toBe(true);
    expect(w.fake.get('argoproj.io/v1alpha1', 'Application', 'kind-soma-postgres', 'argocd')!.metadata.annotations).toEqual({ 'argocd.argoproj.io/refresh': 'normal' });
  });

  it('does not ask for a refresh when Argo CD is already at the expected revision', async () => {
    const w = await world();
    expect((await bootstrap(w)).code).toBe(0);
    expect(w.fake.requests.filter((r) => r.contentType.startsWith('application/merge-patch+json'))).toEqual([]);
  });
});

describe('--dry-run', () => {
  it('prints what would be created and applied, touching nothing', async () => {
    const w = await world();
    const { code, stdout } = await bootstrap(w, { 'dry-run': true });
    expect(code).toBe(0);
    expect(w.fake.requests).toEqual([]);
    expect(w.machine.lines().some((l) => l.startsWith('kind create'))).toBe(false);
    expect(stdout).toContain('Dry run: nothing is created or applied.');
    expect(stdout).toContain(`create: kind create cluster --name soma --config ${w.root}/bootstrap/clusters/kind-soma/kind-config.yaml --wait 0s`);
    expect(stdout).toContain('server-side apply of 8 objects (namespaces, then 2 CRDs, then the rest)');
    expect(stdout).toContain('Secret/soma-infra/soma-infra-postgres-credentials  keys: username, password, database');
    expect(stdout).toContain('apply bootstrap/clusters/kind-soma/root-app.yaml: AppProject/argocd/soma-bootstrap, Application/argocd/kind-soma-root');
    expect(stdout).toContain('credentials: none (public repository)');
  });

  it('names where a token would come from, never the token', async () => {
    const w = await world({ env: { GITHUB_TOKEN: 'ghp_secret_value_123' } });
    const { stdout } = await bootstrap(w, { 'dry-run': true, json: true });
    expect(JSON.parse(stdout).repository.credentials).toBe('username and token from GITHUB_TOKEN');
    expect(stdout).not.toContain('ghp_secret_value_123');
  });
});

describe('private repository', () => {
  it('stores the token from the environment in the repository Secret, never in the output', async () => {
    const w = await world({ env: { GIT_TOKEN: 'tok-123-secret' } });
    const { code, stdout, stderr } = await bootstrap(w);
    expect(code).toBe(0);
    const repo = w.fake.get('v1', 'Secret', 'kind-soma-repository', 'argocd')!;
    const data = Object.fromEntries(Object.entries(repo.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(data).toMatchObject({ username: 'x-access-token', password: 'tok-123-secret' });
    expect(stdout + stderr).not.toContain('tok-123-secret');
    expect(stderr).toContain('with a token from GIT_TOKEN');

    // A later run without the token keeps the stored credentials instead of stripping them.
    delete w.io.env.GIT_TOKEN;
    const again = await bootstrap(w);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already registered with credentials (kept; set GIT_TOKEN to replace them)');
    expect(w.fake.get('v1', 'Secret', 'kind-soma-repository', 'argocd')!.data).toEqual(repo.data);
  });
});
