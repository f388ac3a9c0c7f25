// Bootstrapping real clusters, hub and spoke, against two fake API servers: the hub gets the
// HA Argo CD, the spoke a ServiceAccount and the hub a cluster Secret built from its token;
// re-runs change nothing; an interrupt after any step resumes; every wrong-cluster case stops
// before writing; the token never reaches any output.
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import type { StepName } from '../../src/commands/bootstrap/types.ts';
import { bootstrapIn, CA, run, hubWorld, SPOKE_SERVER, SPOKE_UID, spokeYaml, TOKEN, writeCluster, type HubWorld } from './hub-world.ts';
import { closeFakes, world } from './world.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { ARGO_RESOURCES } from '../support/fake-kube.ts';

afterEach(closeFakes);

const APP = 'argoproj.io/v1alpha1';
const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function readyHub(): Promise<HubWorld> {
  const w = await hubWorld();
  const r = await bootstrapIn(w, 'mgmt');
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return w;
}

describe('a hub and a cluster it manages', () => {
  it('warns when the hub has fewer than the three nodes the HA install spreads over', async () => {
    const w = await hubWorld();
    for (const name of ['a', 'b']) w.hub.put({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    const r = await bootstrapIn(w, 'mgmt', { 'dry-run': true });
    expect(r.stdout).toContain("'mgmt' has 2 schedulable node(s); the HA Argo CD install");
    w.hub.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp' }, spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } });
    expect((await bootstrapIn(w, 'mgmt', { 'dry-run': true })).stdout).toContain("'mgmt' has 2 schedulable node(s)");
    w.hub.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'c' } });
    expect((await bootstrapIn(w, 'mgmt', { 'dry-run': true })).stdout).not.toContain('schedulable node');
  });

  it('bootstraps the hub with the HA install and its own root app', async () => {
    const w = await readyHub();
    expect(w.machine.lines()).toContain(`kubectl kustomize ${w.root}/bootstrap/argocd-ha`);
    expect(w.hub.get('v1', 'ConfigMap', 'somastack-cluster', 'kube-system')?.data).toEqual({ cluster: 'mgmt' });
    expect(w.hub.get(APP, 'Application', 'mgmt-root', 'argocd')).toBeDefined();
    // Nothing is sent to the spoke while the hub is bootstrapped.
    expect(w.spoke.writes).toEqual([]);
  });

  it('registers the spoke with the hub and puts its Applications in the hub, its objects in the spoke', async () => {
    const w = await readyHub();
    const r = await bootstrapIn(w, 'staging');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const spokeWrites = w.spoke.writes.map((x) => `${x.verb} ${x.ref}`);
    expect(spokeWrites).toEqual(
      expect.arrayContaining([
        'apply ServiceAccount/kube-system/argocd-manager',
        'apply ClusterRole/argocd-manager-role',
        'apply ClusterRoleBinding/argocd-manager-role-binding',
        'apply Secret/kube-system/argocd-manager-long-lived-token',
        'create Secret/soma-infra/soma-infra-postgres-credentials',
      ]),
    );
    expect(spokeWrites.some((x) => x.includes('/argocd/') || x.includes('Application'))).toBe(false);
    expect(w.spoke.get('v1', 'ConfigMap', 'somastack-cluster', 'kube-system')?.data).toEqual({ cluster: 'staging', managedBy: 'mgmt' });
    const role = w.spoke.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'argocd-manager-role');
    expect(role?.rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);

    const secret = w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')!;
    expect(secret.metadata.labels?.['argocd.argoproj.io/secret-type']).toBe('cluster');
    expect(secret.metadata.annotations?.['soma.sh/cluster-uid']).toBe(SPOKE_UID);
    const data = secret.data as Record<string, string>;
    expect(decode(data.server!)).toBe(SPOKE_SERVER);
    expect(decode(data.name!)).toBe('staging');
    expect(JSON.parse(decode(data.config!))).toEqual({ bearerToken: TOKEN, tlsClientConfig: { insecure: false, caData: CA } });
    expect(w.hub.get(APP, 'Application', 'staging-root', 'argocd')).toBeDefined();
    expect(w.hub.get(APP, 'Application', 'staging-postgres', 'argocd')).toBeDefined();
    // The spoke runs no Argo CD of its own.
    expect(w.spoke.all('Deployment')).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout).toContain('kubectl --context soma-mgmt -n argocd port-forward svc/argocd-server 8443:443');
  });

  it('changes nothing on a re-run, and its --json carries no credential', async () => {
    const w = await readyHub();
    await bootstrapIn(w, 'staging');
    const writes = w.spoke.writes.filter((x) => x.changed).length + w.hub.writes.filter((x) => x.changed).length;
    const again = await bootstrapIn(w, 'staging', { json: true });
    expect(again.code).toBe(0);
    const result = JSON.parse(again.stdout);
    expect(result).toMatchObject({ cluster: 'staging', context: 'soma-staging', hub: { cluster: 'mgmt', context: 'soma-mgmt' }, changed: false });
    expect(w.spoke.writes.filter((x) => x.changed).length + w.hub.writes.filter((x) => x.changed).length).toBe(writes);
    expect(again.stdout + again.stderr).not.toContain(TOKEN);
    expect(again.stdout + again.stderr).not.toContain(CA);
  });

  it('shows what registration would create in --dry-run, touching nothing and showing no value', async () => {
    const w = await readyHub();
    const before = [w.hub.writes.length, w.spoke.writes.length];
    const r = await bootstrapIn(w, 'staging', { 'dry-run': true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`2. Cluster    act on context soma-staging: ${w.spoke.url}, kube-system UID ${SPOKE_UID}`);
    expect(r.stdout).toContain("3. Register   with hub 'mgmt' (context soma-mgmt)");
    expect(r.stdout).toContain('Secret/argocd/cluster-staging in the hub');
    expect([w.hub.writes.length, w.spoke.writes.length]).toEqual(before);
    expect(r.stdout).not.toContain(TOKEN);
  });

  const SPOKE_STEPS: StepName[] = ['preflight', 'cluster', 'register', 'secrets', 'repository', 'root-app', 'wait'];
  for (const step of SPOKE_STEPS) {
    it(`resumes and converges after an interruption following '${step}'`, async () => {
      const w = await readyHub();
      const interrupt = (s: StepName) => {
        if (s === step) throw new UserError('interrupted (Ctrl-C)');
      };
      const first = await bootstrapIn(w, 'staging', {}, { afterStep: interrupt });
      expect(first.code).toBe(2);
      const password = w.spoke.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-infra')?.data;
      const second = await bootstrapIn(w, 'staging');
      expect(second.stderr).not.toMatch(/error/);
      expect(second.code).toBe(0);
      expect(w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')).toBeDefined();
      if (password) expect(w.spoke.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-infra')?.data).toEqual(password);
    });
  }
});

describe('reading a managed cluster afterwards', () => {
  it("status --cluster reads the cluster's Applications from the hub, and only its own", async () => {
    const w = await readyHub();
    await bootstrapIn(w, 'staging');
    const r = await run(w, 'status', { cluster: 'staging', json: true });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ cluster: 'staging', context: 'soma-staging', hubContext: 'soma-mgmt', ok: true });
    expect(report.applications.map((a: { name: string }) => a.name).sort()).toEqual(['staging-cnpg', 'staging-platform', 'staging-postgres', 'staging-root']);
    const mgmt = JSON.parse((await run(w, 'status', { cluster: 'mgmt', json: true })).stdout);
    expect(mgmt.applications.map((a: { name: string }) => a.name).sort()).toEqual(['mgmt-argocd', 'mgmt-root']);
  });
});

describe('teardown of clusters that are not Kind', () => {
  const teardown = (w: HubWorld, flags: Record<string, string | boolean>) => run(w, 'teardown', flags);

  it('removes what bootstrap put into the spoke and its registration in the hub, keeping both clusters', async () => {
    const w = await readyHub();
    await bootstrapIn(w, 'staging');
    expect((await teardown(w, { cluster: 'mgmt', confirm: 'soma-mgmt' })).stderr).toContain("'mgmt' runs the Argo CD that still manages 'staging'");
    const yes = await teardown(w, { cluster: 'staging', yes: true });
    expect(yes.code).toBe(2);
    expect(yes.stderr).toContain('(--yes is not enough for a cluster that is not Kind)');
    expect(yes.stderr).toContain('fix: pass --confirm soma-staging');
    expect((await teardown(w, { cluster: 'staging', confirm: 'soma-mgmt' })).stderr).toContain("--confirm 'soma-mgmt' does not name the context 'soma-staging'");
    expect(w.hub.get(APP, 'Application', 'staging-root', 'argocd')).toBeDefined();

    const r = await teardown(w, { cluster: 'staging', confirm: 'soma-staging', json: true });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ cluster: 'staging', context: 'soma-staging', hub: 'mgmt', clusterKept: true });
    expect(w.hub.all('Application').map((a) => a.metadata.name).sort()).toEqual(['mgmt-argocd', 'mgmt-root']);
    expect(w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')).toBeUndefined();
    expect(w.hub.get('v1', 'Secret', 'staging-repository', 'argocd')).toBeUndefined();
    expect(w.spoke.all('ServiceAccount')).toEqual([]);
    expect(w.spoke.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'argocd-manager-role')).toBeUndefined();
    expect(w.spoke.get('v1', 'ConfigMap', 'somastack-cluster', 'kube-system')).toBeUndefined();
    // The hub's own Argo CD is untouched, and now the hub can go too.
    expect(w.hub.get('apps/v1', 'StatefulSet', 'argocd-application-controller', 'argocd')).toBeDefined();
    const hub = await teardown(w, { cluster: 'mgmt', confirm: 'soma-mgmt' });
    expect(hub.code).toBe(0);
    expect(w.hub.get('v1', 'Namespace', 'argocd')).toBeUndefined();
    expect(w.hub.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'applications.argoproj.io')).toBeUndefined();
  });

  it('keeps a Kind hub whose Argo CD still manages another cluster (kind delete never runs)', async () => {
    const w = await world({ machine: { clusters: ['soma'] } });
    for (const r of ARGO_RESOURCES) w.fake.register(r);
    writeFileSync(join(w.root, 'clusters/prod/cluster.yaml'), readFileSync(join(w.root, 'clusters/prod/cluster.yaml'), 'utf8').replace('managedBy: hub', 'managedBy: kind-soma'));
    w.fake.put({ apiVersion: APP, kind: 'Application', metadata: { name: 'prod-root', namespace: 'argocd', labels: { 'soma.sh/cluster': 'prod' } }, spec: {} });
    const code = await main(['teardown', '--yes'], w.io, { deps: w.deps });
    expect(code).toBe(2);
    expect(w.io.err.join('')).toContain("'kind-soma' runs the Argo CD that still manages 'prod'");
    expect(w.machine.lines()).not.toContain('kind delete cluster --name soma');
  });

  it('asks on a terminal naming the context, and removes nothing on no', async () => {
    const w = await readyHub();
    await bootstrapIn(w, 'staging');
    let question = '';
    w.io.interactive = true;
    w.io.confirm = async (q: string) => ((question = q), false);
    expect((await teardown(w, { cluster: 'staging' })).code).toBe(1);
    expect(question).toContain(`cluster 'staging' (context soma-staging, ${w.spoke.url}, kube-system UID ${SPOKE_UID})`);
    expect(w.hub.get(APP, 'Application', 'staging-root', 'argocd')).toBeDefined();
  });

  it('refuses a hub context that is not the hub, and a hub registration of another cluster', async () => {
    const w = await readyHub();
    await bootstrapIn(w, 'staging');
    const marker = w.hub.get('v1', 'ConfigMap', 'somastack-cluster', 'kube-system')!;
    w.hub.put({ ...marker, data: { cluster: 'lab' } });
    const wrongHub = await teardown(w, { cluster: 'staging', confirm: 'soma-staging' });
    expect(wrongHub.code).toBe(2);
    expect(wrongHub.stderr).toContain("context 'soma-mgmt' is cluster 'lab', not hub 'mgmt'");
    expect(w.hub.get(APP, 'Application', 'staging-root', 'argocd')).toBeDefined();
    w.hub.put(marker);
    const secret = w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')!;
    w.hub.put({ ...secret, metadata: { ...secret.metadata, annotations: { 'soma.sh/cluster-uid': 'another' } } });
    const other = await teardown(w, { cluster: 'staging', confirm: 'soma-staging' });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('registers a cluster with kube-system UID another');
    expect(w.hub.get(APP, 'Application', 'staging-root', 'argocd')).toBeDefined();
  });

  it('never reads a failed list as "nothing there": a hub whose Applications cannot be listed keeps its Argo CD', async () => {
    const w = await readyHub();
    w.hub.fault((req) => (req.method === 'GET' && req.path.endsWith('/applications') ? { status: 403, body: { reason: 'Forbidden', message: 'applications is forbidden' } } : undefined));
    const r = await teardown(w, { cluster: 'mgmt', confirm: 'soma-mgmt' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no permission');
    expect(w.hub.get('v1', 'Namespace', 'argocd')).toBeDefined();
  });

  it('keeps a hub that still holds a registration, even without Applications', async () => {
    const w = await readyHub();
    w.hub.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster-x', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'soma.sh/cluster': 'x' } }, data: {} });
    const r = await teardown(w, { cluster: 'mgmt', confirm: 'soma-mgmt' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'mgmt' runs the Argo CD that still manages 'x'");
  });

  it('refuses a cluster bootstrap never marked as this one', async () => {
    const w = await readyHub();
    const r = await teardown(w, { cluster: 'staging', confirm: 'soma-staging' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("holds no trace of a somastack bootstrap of 'staging'");
    expect(w.spoke.writes).toEqual([]);
  });
});

describe('refusals, each before anything is written', () => {
  const untouched = (w: HubWorld) => expect(w.spoke.writes.filter((x) => x.changed)).toEqual([]);

  it('a spoke whose hub is not bootstrapped yet', async () => {
    const w = await hubWorld();
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hub 'mgmt' is not bootstrapped: context 'soma-mgmt' has no Argo CD");
    expect(r.stderr).toContain('fix: bootstrap the hub first: `npm run bootstrap -- --cluster mgmt`');
    untouched(w);
  });

  it('a context whose cluster has another kube-system UID than cluster.yaml records', async () => {
    const w = await readyHub();
    writeCluster(w.root, 'staging', spokeYaml('identity: { uid: 33333333-3333-4333-8333-333333333333 }\n'));
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`context 'soma-staging' (${w.spoke.url}, kube-system UID ${SPOKE_UID}) is not cluster 'staging'`);
    untouched(w);
  });

  it('a context that talks to another server than destination.server, without a recorded identity', async () => {
    const w = await readyHub();
    writeCluster(w.root, 'staging', spokeYaml(''));
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`context 'soma-staging' talks to ${w.spoke.url}, but clusters/staging/cluster.yaml says 'staging' is at ${SPOKE_SERVER}`);
    untouched(w);
  });

  it('a cluster bootstrapped under another name, or registered with another hub', async () => {
    const w = await readyHub();
    w.spoke.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'somastack-cluster', namespace: 'kube-system' }, data: { cluster: 'prod' } });
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("was bootstrapped as cluster 'prod', not 'staging'");
    w.spoke.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'somastack-cluster', namespace: 'kube-system' }, data: { cluster: 'staging', managedBy: 'other-hub' } });
    const twice = await bootstrapIn(w, 'staging');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("cluster 'staging' is already managed by hub 'other-hub'");
    expect(w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')).toBeUndefined();
  });

  it('one Argo CD per cluster: no hub registration where Argo CD runs, no own Argo CD where a hub manages', async () => {
    const w = await readyHub();
    w.spoke.put({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'argocd-application-controller', namespace: 'argocd' }, spec: {} });
    const both = await bootstrapIn(w, 'staging');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("'staging' runs its own Argo CD (context 'soma-staging'), so hub 'mgmt' cannot manage it too");
    expect(w.hub.get('v1', 'Secret', 'cluster-staging', 'argocd')).toBeUndefined();

    const v = await readyHub();
    await bootstrapIn(v, 'staging');
    writeCluster(v.root, 'staging', spokeYaml(`identity: { uid: ${SPOKE_UID} }\n`).replace('argocd: { managedBy: mgmt }\n', '').replace(SPOKE_SERVER, 'https://kubernetes.default.svc'));
    const flip = await bootstrapIn(v, 'staging');
    expect(flip.code).toBe(2);
    expect(flip.stderr).toContain("'staging' is declared standalone, but hub 'mgmt' still manages it");
  });

  it('the hub and the spoke reached through contexts of one cluster', async () => {
    const w = await readyHub();
    const r = await bootstrapIn(w, 'staging', { context: 'soma-mgmt', 'hub-context': 'soma-mgmt' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cluster 'staging' and its hub 'mgmt' resolve to the same context 'soma-mgmt'");
  });

  it('a hub that already holds a registration of another cluster under this name', async () => {
    const w = await readyHub();
    w.hub.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster-staging', namespace: 'argocd', annotations: { 'soma.sh/cluster-uid': 'old' } }, data: {} });
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("hub 'mgmt' already has Secret argocd/cluster-staging for a cluster with kube-system UID old");
    expect(w.spoke.all('ServiceAccount')).toEqual([]);
  });

  it('expired credentials and an unreachable server, naming the context and the fix', async () => {
    const w = await readyHub();
    w.spoke.fault((req) => (req.path === '/readyz' ? { status: 401, body: { reason: 'Unauthorized', message: 'Unauthorized' } } : undefined));
    const expired = await bootstrapIn(w, 'staging');
    expect(expired.code).toBe(2);
    expect(expired.stderr).toContain("the credentials of context 'soma-staging' (cluster 'staging') were refused");
    expect(expired.stderr).toMatch(/fix: they have probably expired/);
    await w.spoke.close();
    const gone = await bootstrapIn(w, 'staging');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`cannot reach cluster 'staging' at ${w.spoke.url} through context 'soma-staging'`);
  });

  it('Secrets someone else provides: each missing one is a preflight problem with its keys', async () => {
    const w = await readyHub();
    writeCluster(w.root, 'staging', spokeYaml(`identity: { uid: ${SPOKE_UID} }\nsecrets: { provider: external }\n`));
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Secret soma-infra/soma-infra-postgres-credentials (for postgres, keys username, password, database) does not exist');
    untouched(w);
  });

  it("the backup target's keys are checked whoever creates the other Secrets", async () => {
    const w = await readyHub();
    w.spoke.remove('v1', 'Secret', 'staging-backup-keys', 'soma-infra');
    const r = await bootstrapIn(w, 'staging');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Secret soma-infra/staging-backup-keys (for postgres, keys ACCESS_KEY_ID, ACCESS_SECRET_KEY) does not exist');
    untouched(w);
  });

  it('Secrets someone else provides: a missing key is a problem, a type other than the documented one a warning', async () => {
    const w = await readyHub();
    writeCluster(w.root, 'staging', spokeYaml(`identity: { uid: ${SPOKE_UID} }\nsecrets: { provider: external }\n`));
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    w.spoke.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'soma-infra-postgres-credentials', namespace: 'soma-infra' },
      type: 'Opaque',
      data: { username: b64('soma'), password: b64('p') },
    });
    const r = await bootstrapIn(w, 'staging', { 'dry-run': true });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('soma-infra-postgres-credentials (for postgres) is of type Opaque, where kubernetes.io/basic-auth is documented');
    expect(r.stdout).toContain('soma-infra-postgres-credentials (for postgres) has no key(s) database');
  });
});
