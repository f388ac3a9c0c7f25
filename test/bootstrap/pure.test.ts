// Table-driven tests of bootstrap's pure parts: preflight's judgement, the wait's
// judgement, secret and repository builders, progress output, duration parsing.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/options.ts';
import type { ClusterConfig } from '../../src/core/cluster-config.ts';
import type { ApplicationSummary } from '../../src/core/health.ts';
import { installPhases, kustomizeReason } from '../../src/commands/bootstrap/argocd.ts';
import { evaluatePreflight, type PreflightFacts } from '../../src/commands/bootstrap/preflight-checks.ts';
import { Progress } from '../../src/commands/bootstrap/progress.ts';
import { buildRepoSecret, credentialsFromEnv } from '../../src/commands/bootstrap/repository.ts';
import { orderRootObjects } from '../../src/commands/bootstrap/root-app.ts';
import { buildSecretObject, buildSecretValues, plannedSecrets } from '../../src/commands/bootstrap/secrets.ts';
import { appsToRefresh, evaluateWait, expectedApplications, type WaitTracker } from '../../src/commands/bootstrap/wait.ts';
import { captureIo } from './harness.ts';

const cluster: ClusterConfig = {
  name: 'kind-soma',
  environment: 'dev',
  destination: { server: 'https://kubernetes.default.svc' },
  repository: { url: 'https://github.com/example/somastack.git', revision: 'main' },
  components: ['platform', 'cnpg', 'postgres', 'vault', 'grafana', 'openfga'],
  argocd: {}, secrets: { provider: 'bootstrap' },
  kind: { name: 'soma', hostPorts: { argocd: 8080, grafana: 3000 } },
  source: 'clusters/kind-soma/cluster.yaml',
};

const goodFacts = (): PreflightFacts => ({
  node: '24.9.0',
  docker: { ok: true, cpus: 8, memoryBytes: 16 * 1024 ** 3, serverVersion: '28.1.1' },
  kind: { command: 'kind', local: false, missing: false, version: 'v0.33.0' },
  kubectl: { command: 'kubectl', local: false, missing: false, version: 'v1.34.1' },
  kindConfig: { file: 'bootstrap/clusters/kind-soma/kind-config.yaml', ports: [{ host: '127.0.0.1', port: 8080 }] },
  clusterExists: false,
  portsInUse: [],
  git: { isRepo: true, head: 'a'.repeat(40), remotes: [{ name: 'origin', url: cluster.repository.url }], matchedRemote: 'origin', remoteCommit: { commit: 'a'.repeat(40), source: 'remote' }, compare: { ahead: 0, behind: 0 }, uncommitted: [] },
});

describe('evaluatePreflight', () => {
  it('accepts a ready machine and says what Argo CD will sync', () => {
    const v = evaluatePreflight(goodFacts(), cluster);
    expect(v.problems).toEqual([]);
    expect(v.warnings).toEqual([]);
    expect(v.notes).toContain("Argo CD will sync https://github.com/example/somastack.git 'main' at aaaaaaa, which is what is checked out");
  });

  const cases: [string, (f: PreflightFacts) => void, 'problem' | 'warning', RegExp][] = [
    ['old Node', (f) => void (f.node = '20.19.0'), 'problem', /Node\.js 20\.19\.0 is too old \(need 22\.18\.0/],
    ['Node 22.17', (f) => void (f.node = '22.17.1'), 'problem', /too old/],
    ['Docker down', (f) => void (f.docker = { ok: false, missing: false, error: 'Cannot connect' }), 'problem', /the Docker daemon is not reachable: Cannot connect/],
    ['small Docker VM', (f) => void (f.docker = { ok: true, cpus: 2, memoryBytes: 4 * 1024 ** 3, serverVersion: 'x' }), 'warning', /Docker has 2 CPUs and 4\.0 GiB, below the 4 CPUs \/ 8 GiB/],
    ['kind too old', (f) => void (f.kind!.version = 'v0.29.0'), 'problem', /kind v0\.29\.0 is older than v0\.33\.0/],
    ['kind missing', (f) => void (f.kind = { command: 'kind', local: false, missing: true }), 'problem', /kind is not installed/],
    ['kubectl two minors behind', (f) => void (f.kubectl.version = 'v1.33.4'), 'warning', /kubectl v1\.33\.4 is older than the cluster's Kubernetes v1\.35\.8 by more than one minor version: fine for bootstrap/],
    ['kubectl three minors ahead', (f) => void (f.kubectl.version = 'v1.38.0'), 'warning', /kubectl v1\.38\.0 is newer than the cluster's Kubernetes v1\.35\.8 by more than one minor version/],
    ['kubectl without kustomize v5', (f) => void (f.kubectl.version = 'v1.26.9'), 'problem', /kubectl v1\.26\.9 is older than 1\.27 and so lacks kustomize v5/],
    ['kind config missing', (f) => void (f.kindConfig = { file: 'k.yaml', ports: [], error: 'not found' }), 'problem', /k\.yaml: not found/],
    ['port taken', (f) => void (f.portsInUse = [{ host: '127.0.0.1', port: 8080 }]), 'problem', /host port 127\.0\.0\.1:8080 .* already in use/],
    ['unpushed commits', (f) => void (f.git.compare = { ahead: 3, behind: 0 }), 'warning', /3 commit\(s\) on HEAD \(aaaaaaa\) are not pushed/],
    ['behind the remote', (f) => void (f.git.compare = { ahead: 0, behind: 2 }), 'warning', /has 2 commit\(s\) newer than your checkout/],
    ['remote commit unknown locally', (f) => void (f.git.compare = undefined), 'warning', /a commit your checkout does not have/],
    ['revision unresolvable', (f) => void (f.git.remoteCommit = undefined), 'warning', /cannot resolve 'main'/],
    ['URL is not a remote', (f) => void (f.git.matchedRemote = undefined), 'warning', /which is not a remote of this checkout \(remotes: origin → /],
    ['uncommitted generated files', (f) => void (f.git.uncommitted = ['base/postgres/statefulset-postgres.yaml']), 'warning', /uncommitted changes are not deployed: base\/postgres/],
    ['not a git checkout', (f) => void (f.git = { isRepo: false, remotes: [], uncommitted: [] }), 'warning', /this is not a git checkout/],
  ];
  it.each(cases)('%s', (_name, change, kind, pattern) => {
    const facts = goodFacts();
    change(facts);
    const v = evaluatePreflight(facts, cluster);
    const found = kind === 'problem' ? v.problems : v.warnings;
    expect(found.map((f) => f.message).join('\n')).toMatch(pattern);
    expect((kind === 'problem' ? v.warnings : v.problems).filter((f) => pattern.test(f.message))).toEqual([]);
  });

  it('accepts kubectl within one minor of the cluster either way', () => {
    for (const version of ['v1.34.0', 'v1.35.0', 'v1.36.2']) {
      const f = goodFacts();
      f.kubectl.version = version;
      const v = evaluatePreflight(f, cluster);
      expect([v.problems, v.warnings]).toEqual([[], []]);
    }
  });

  it('reports every problem at once, tagging the ones a tool install fixes', () => {
    const f = goodFacts();
    f.node = '18.0.0';
    f.docker = { ok: false, missing: true, error: 'x' };
    f.kind = { command: 'kind', local: false, missing: true };
    f.kubectl.version = 'v1.25.0';
    const v = evaluatePreflight(f, cluster);
    expect(v.problems).toHaveLength(4);
    expect(v.problems.filter((p) => p.tool).map((p) => p.tool)).toEqual(['kind', 'kubectl']);
    expect(v.problems.every((p) => p.fix)).toBe(true);
  });
});

const summary = (name: string, o: Partial<ApplicationSummary> = {}): ApplicationSummary => ({
  name, namespace: 'argocd', project: 'p', sync: 'Synced', health: 'Healthy', message: '', revision: 'aaaaaaa', operation: undefined, problems: [], children: [], ok: true, ...o,
});

describe('evaluateWait', () => {
  const expected = expectedApplications({ ...cluster, components: ['platform', 'cnpg', 'postgres'] });
  const tracker = (): WaitTracker => ({ startedAt: 0, firstOk: new Map(), degradedSince: new Map() });
  const all = (o: Partial<ApplicationSummary> = {}) => expected.map((a) => summary(a.name, o));

  it('expects the root, Argo CD itself and one Application per component', () => {
    expect(expected.map((a) => a.name)).toEqual(['kind-soma-root', 'kind-soma-argocd', 'kind-soma-platform', 'kind-soma-cnpg', 'kind-soma-postgres']);
  });

  it('is done when every expected Application is OK at the revision, recording time to healthy', () => {
    const t = tracker();
    expect(evaluateWait(all(), expected, 'a'.repeat(40), t, 5_000, 60_000)).toEqual({ done: true, pending: [], degraded: [] });
    expect(t.firstOk.get('kind-soma-postgres')).toBe(5_000);
  });

  it('waits for missing children even when the root is OK', () => {
    const v = evaluateWait(all().filter((s) => s.name !== 'kind-soma-postgres'), expected, undefined, tracker(), 0, 60_000);
    expect(v.done).toBe(false);
    expect(v.pending).toEqual(['kind-soma-postgres: not created yet (the root Application creates it)']);
  });

  it('waits while an Application is at another revision', () => {
    const v = evaluateWait(all({ revision: 'bbbbbbb' }), expected, 'a'.repeat(40), tracker(), 0, 60_000);
    expect(v.pending[0]).toBe('kind-soma-argocd: Synced/Healthy at bbbbbbb, waiting for aaaaaaa');
  });

  it('asks Argo CD to refresh only the Applications behind the expected revision, once a minute at most', () => {
    const apps = all();
    apps[2] = summary('kind-soma-platform', { revision: 'bbbbbbb' });
    apps.push(summary('someone-elses-app', { revision: 'bbbbbbb' }));
    const last = new Map<string, number>();
    expect(appsToRefresh(apps, expected, 'a'.repeat(40), last, 0)).toEqual(['kind-soma-platform']);
    last.set('kind-soma-platform', 0);
    expect(appsToRefresh(apps, expected, 'a'.repeat(40), last, 59_999)).toEqual([]);
    expect(appsToRefresh(apps, expected, 'a'.repeat(40), last, 60_000)).toEqual(['kind-soma-platform']);
    expect(appsToRefresh(apps, expected, undefined, new Map(), 0)).toEqual([]);
    expect(appsToRefresh(all(), expected, 'a'.repeat(40), new Map(), 0)).toEqual([]);
  });

  it('fails a child Degraded for longer than the grace period, not before', () => {
    const t = tracker();
    const apps = all();
    apps[4] = summary('kind-soma-postgres', { health: 'Degraded', ok: false, message: 'crash' });
    apps[0] = summary('kind-soma-root', { health: 'Degraded', ok: false, children: ['kind-soma-postgres'] });
    expect(evaluateWait(apps, expected, undefined, t, 10_000, 60_000).degraded).toEqual([]);
    expect(evaluateWait(apps, expected, undefined, t, 70_000, 60_000).degraded).toEqual([]);
    expect(evaluateWait(apps, expected, undefined, t, 70_001, 60_000).degraded).toEqual(['kind-soma-postgres: Synced/Degraded — crash']);
  });

  it('forgets a Degraded spell that recovered', () => {
    const t = tracker();
    const bad = all();
    bad[3] = summary('kind-soma-postgres', { health: 'Degraded', ok: false });
    evaluateWait(bad, expected, undefined, t, 0, 60_000);
    evaluateWait(all(), expected, undefined, t, 30_000, 60_000);
    expect(evaluateWait(bad, expected, undefined, t, 80_000, 60_000).degraded).toEqual([]);
  });

  it('lists children before the root', () => {
    const v = evaluateWait(all({ ok: false, sync: 'OutOfSync' }), expected, undefined, tracker(), 0, 60_000);
    expect(v.pending.at(-1)).toMatch(/^kind-soma-root:/);
  });
});

describe('secrets', () => {
  it('plans the secrets of enabled components for the environment only', () => {
    expect(plannedSecrets(cluster).map((s) => s.name)).toEqual([
      'soma-infra-postgres-credentials', 'soma-infra-vault-dev-root', 'soma-infra-grafana-admin', 'soma-infra-openfga-datastore',
    ]);
    expect(plannedSecrets({ ...cluster, environment: 'prod' }).map((s) => s.name)).not.toContain('soma-infra-vault-dev-root');
    expect(plannedSecrets({ ...cluster, components: ['platform', 'redis'] })).toEqual([]);
  });

  it('generates random passwords and fixed names, and builds openfga’s URI from the postgres credentials', () => {
    let n = 0;
    const known = new Map<string, Record<string, string>>();
    const source = { random: () => `r${++n}/+x`, known };
    const [pg, , grafana, openfga] = plannedSecrets(cluster);
    const pgValues = buildSecretValues(pg!, source);
    expect(pgValues).toEqual({ username: 'soma', password: 'r1/+x', database: 'soma' });
    expect(buildSecretValues(grafana!, source)).toEqual({ 'admin-user': 'admin', 'admin-password': 'r2/+x' });
    expect(() => buildSecretValues(openfga!, source)).toThrow(/openfga needs the postgres credentials Secret/);
    known.set('soma-infra-postgres-credentials', pgValues);
    expect(buildSecretValues(openfga!, source).uri).toBe('postgres://soma:r1%2F%2Bx@postgres.soma-infra.svc.cluster.local:5432/soma?sslmode=disable');
  });

  it('stores values base64-encoded under data, labelled as this project’s', () => {
    const o = buildSecretObject(plannedSecrets(cluster)[0]!, { username: 'soma', password: 'p', database: 'soma' });
    expect(o.data).toEqual({ username: 'c29tYQ==', password: 'cA==', database: 'c29tYQ==' });
    expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'somastack', 'app.kubernetes.io/component': 'postgres' });
    expect(o.stringData).toBeUndefined();
  });

  it('creates the postgres credentials as kubernetes.io/basic-auth (CloudNativePG requires it), the others Opaque', () => {
    const [pg, , grafana] = plannedSecrets(cluster);
    expect(buildSecretObject(pg!, { username: 'soma', password: 'p', database: 'soma' }).type).toBe('kubernetes.io/basic-auth');
    expect(buildSecretObject(grafana!, { 'admin-user': 'admin', 'admin-password': 'p' }).type).toBe('Opaque');
  });
});

describe('repository', () => {
  it('takes the token from GIT_TOKEN, else GITHUB_TOKEN, with GIT_USERNAME or a default user', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(credentialsFromEnv({ GIT_TOKEN: ' ' })).toBeUndefined();
    expect(credentialsFromEnv({ GITHUB_TOKEN: 'g', GIT_TOKEN: 't' })).toEqual({ username: 'x-access-token', password: 't', from: 'GIT_TOKEN' });
    expect(credentialsFromEnv({ GITHUB_TOKEN: 'g', GIT_USERNAME: 'me' })).toEqual({ username: 'me', password: 'g', from: 'GITHUB_TOKEN' });
  });

  it('builds an Argo CD repository Secret, with credentials only when given', () => {
    const decode = (o: { [k: string]: unknown }) => Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    const open = buildRepoSecret(cluster, undefined);
    expect(open.metadata).toMatchObject({ name: 'kind-soma-repository', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } });
    expect(decode(open)).toEqual({ type: 'git', url: 'https://github.com/example/somastack.git' });
    expect(decode(buildRepoSecret(cluster, { username: 'u', password: 'p', from: 'GIT_TOKEN' }))).toMatchObject({ username: 'u', password: 'p' });
  });
});

describe('ordering', () => {
  const o = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name } });
  it('applies namespaces, then CRDs, then the rest', () => {
    const p = installPhases([o('Deployment', 'd'), o('CustomResourceDefinition', 'c'), o('Namespace', 'n'), o('ConfigMap', 'm')]);
    expect([p.namespaces, p.crds, p.rest].map((l) => l.map((x) => x.metadata.name))).toEqual([['n'], ['c'], ['d', 'm']]);
  });
  it('puts AppProjects before Applications', () => {
    expect(orderRootObjects([o('Application', 'a'), o('AppProject', 'p')]).map((x) => x.kind)).toEqual(['AppProject', 'Application']);
  });
  it('finds the reason in kustomize’s klog-wrapped error', () => {
    const detail = 'E1122 17:27:33.221924   27601 run.go:72] "command failed" err=<\n\taccumulating resources: no such host\n >';
    expect(kustomizeReason(detail)).toBe('accumulating resources: no such host');
  });
});

describe('progress', () => {
  it('prints plain lines in logs only when what is waited on changes, plus a heartbeat', () => {
    let t = 0;
    const io = captureIo('/', {});
    const p = new Progress(io, () => t, { minGapMs: 5_000, heartbeatMs: 30_000 });
    p.update('1s a', 'a');
    t = 1_000;
    p.update('2s b', 'b'); // changed, but too soon
    t = 6_000;
    p.update('6s b', 'b'); // changed since last printed
    t = 20_000;
    p.update('20s b', 'b'); // same, no heartbeat yet
    t = 36_001;
    p.update('36s b', 'b'); // heartbeat
    expect(io.err.join('')).toBe('      … 1s a\n      … 6s b\n      … 36s b\n');
  });

  it('rewrites one line on a terminal and clears it before the next line', () => {
    const io = captureIo('/', {}, { interactive: true });
    const p = new Progress(io, () => 0);
    p.update('waiting');
    p.ok('done', 1500);
    expect(io.err.join('')).toBe('\r\x1b[K      … waiting\r\x1b[K      ✓ done (1.5s)\n');
  });
});

describe('parseDuration', () => {
  it.each([['900', 900_000], ['90s', 90_000], ['15m', 900_000], ['1h', 3_600_000], ['1.5m', 90_000]])('%s', (text, ms) => {
    expect(parseDuration(text, 'timeout')).toBe(ms);
  });
  it('rejects anything else with the accepted forms', () => {
    expect(() => parseDuration('15 minutes', 'timeout')).toThrow(/--timeout '15 minutes' is not a positive duration/);
  });
});
