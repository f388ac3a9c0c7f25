// Hub and spoke on two real Kind clusters (docs/bootstrap.md, "Staging and prod"): a hub
// bootstrapped as usual, a second cluster that is not declared as Kind (only reached through
// its kubeconfig context, like EKS or GKE would be) registered with the hub's Argo CD, every
// Application Synced and Healthy on it, status/drift/smoke clean through --cluster, a re-run
// that changes nothing, and a teardown that keeps the cluster.
//
// Argo CD clones from GitHub, so the two e2e clusters are committed to a throwaway branch
// (pushed with the workflow's token, deleted afterwards). Runs only with Docker and
// SOMA_E2E_HUB=1 (the e2e workflow's hub-and-spoke job sets it); otherwise reported skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_NODE_IMAGE } from '../../src/core/versions.ts';
import { jsonOf, runCli, tail } from '../support/cli-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerOk = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
const enabled = dockerOk && process.env.SOMA_E2E_HUB === '1';
if (!enabled)
  process.stderr.write(
    '\ne2e hub-and-spoke: SKIPPED — needs Docker and SOMA_E2E_HUB=1 (it pushes a throwaway branch for Argo CD to clone); the e2e workflow runs it.\n\n',
  );

const SPOKE_KIND = 'e2e-spoke';
const SPOKE_CONTEXT = `kind-${SPOKE_KIND}`;
const BRANCH = `e2e-hub-${process.env.GITHUB_RUN_ID ?? Date.now()}-${process.env.GITHUB_RUN_ATTEMPT ?? 1}`;

const HUB_YAML = (url: string) => `# e2e: the hub (test/e2e/hub.e2e.test.ts)
name: e2e-hub
environment: dev
destination: { server: https://kubernetes.default.svc }
repository: { url: ${url}, revision: ${BRANCH} }
components: []
kind: { name: e2e-hub, hostPorts: { argocd: 28080, grafana: 23000 } }
`;

// The hub reaches the spoke's API on the Docker network by its container name; this machine
// through kind's localhost port, so the spoke's identity is recorded instead of the URL.
const SPOKE_YAML = (url: string, uid: string) => `# e2e: a cluster managed from the hub (test/e2e/hub.e2e.test.ts)
name: e2e-spoke
environment: dev
context: ${SPOKE_CONTEXT}
argocd: { managedBy: e2e-hub }
destination: { server: https://${SPOKE_KIND}-control-plane:6443 }
identity: { uid: ${uid} }
repository: { url: ${url}, revision: ${BRANCH} }
components: [platform, redis]
`;

describe.skipIf(!enabled)('hub and spoke on two Kind clusters', () => {
  let clone = '';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();
  const cli = (...args: string[]) => runCli(clone, args);
  // Pushes go out through the checkout itself, whose git config carries the workflow's
  // credential (actions/checkout includes it for that directory only): it never appears on a
  // command line.
  const rootGit = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { stdio: 'inherit' });

  beforeAll(async () => {
    const url = execFileSync('git', ['-C', ROOT, 'remote', 'get-url', 'origin'], { encoding: 'utf8' }).trim();
    execFileSync('kind', ['create', 'cluster', '--name', SPOKE_KIND, '--image', KIND_NODE_IMAGE, '--wait', '5m'], {
      stdio: 'inherit',
    });
    const uid = execFileSync(
      'kubectl',
      ['--context', SPOKE_CONTEXT, 'get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'],
      { encoding: 'utf8' },
    ).trim();
    clone = mkdtempSync(join(tmpdir(), 'soma-hub-'));
    execFileSync('git', ['clone', '-q', '--local', ROOT, clone]);
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    appendFileSync(join(clone, '.git/info/exclude'), '\nnode_modules\n');
    git('remote', 'set-url', 'origin', url);
    git('checkout', '-q', '-B', BRANCH);
    for (const [name, text] of [
      ['e2e-hub', HUB_YAML(url)],
      ['e2e-spoke', SPOKE_YAML(url, uid)],
    ] as const) {
      mkdirSync(join(clone, 'clusters', name));
      writeFileSync(join(clone, 'clusters', name, 'cluster.yaml'), text);
    }
    const gen = await cli('generate');
    expect(gen.code, tail(gen.stderr)).toBe(0);
    git('add', '-A');
    git('-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-qm', 'e2e: a hub and a spoke');
    rootGit('fetch', '-q', clone, BRANCH);
    rootGit('push', '-q', 'origin', `FETCH_HEAD:refs/heads/${BRANCH}`);
  });

  afterAll(async () => {
    if (!clone) return;
    if (!process.env.SOMA_E2E_KEEP) {
      await cli('teardown', '--cluster', 'e2e-hub', '--yes');
      spawnSync('kind', ['delete', 'cluster', '--name', SPOKE_KIND], { stdio: 'inherit' });
    }
    spawnSync('git', ['-C', ROOT, 'push', '-q', 'origin', '--delete', BRANCH], { stdio: 'inherit' });
    rmSync(clone, { recursive: true, force: true });
  });

  it('bootstraps the hub, then registers the spoke and brings every Application to Synced and Healthy', async () => {
    const hub = await cli('bootstrap', '--cluster', 'e2e-hub', '--install-tools', '--timeout', '20m');
    expect(hub.code, tail(hub.stderr)).toBe(0);
    const r = await cli('bootstrap', '--cluster', 'e2e-spoke', '--timeout', '20m', '--json');
    const result = jsonOf(r, 'npm run bootstrap --cluster e2e-spoke');
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      ok: true,
      context: SPOKE_CONTEXT,
      hub: { cluster: 'e2e-hub', context: 'kind-e2e-hub' },
    });
    expect(r.stdout + r.stderr).not.toMatch(/bearerToken|eyJhbGciOi/);
  });

  it('changes nothing when bootstrap runs again', async () => {
    const r = await cli('bootstrap', '--cluster', 'e2e-spoke', '--timeout', '10m', '--json');
    expect(jsonOf(r, 'bootstrap re-run')).toMatchObject({ ok: true, changed: false });
  });

  it('status, drift and smoke are clean with --cluster pointing at the spoke', async () => {
    for (const args of [
      ['status', '--cluster', 'e2e-spoke'],
      ['status', '--cluster', 'e2e-spoke', '--direct'],
      ['drift', '--cluster', 'e2e-spoke'],
      ['smoke', '--cluster', 'e2e-spoke'],
    ]) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}\n${tail(r.stdout)}\n${tail(r.stderr)}`).toBe(0);
    }
  });

  it('teardown removes what bootstrap put into the spoke and keeps the cluster', async () => {
    const r = await cli('teardown', '--cluster', 'e2e-spoke', '--confirm', SPOKE_CONTEXT, '--timeout', '15m');
    expect(r.code, tail(r.stderr)).toBe(0);
    const ns = spawnSync('kubectl', ['--context', SPOKE_CONTEXT, 'get', 'namespace', 'kube-system'], {
      encoding: 'utf8',
    });
    expect(ns.status).toBe(0);
    const sa = spawnSync(
      'kubectl',
      ['--context', SPOKE_CONTEXT, '-n', 'kube-system', 'get', 'serviceaccount', 'argocd-manager'],
      { encoding: 'utf8' },
    );
    expect(sa.status).not.toBe(0);
  });
});
