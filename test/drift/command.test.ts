// `npm run drift` end to end: a tiny repository rendered with real kustomize, a fake API
// server holding the live objects (with server-filled fields) and answering server-side
// apply dry-runs; and the offline --desired/--live mode.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { toYamlStream } from '../../src/core/yaml.ts';
import { ARGO_RESOURCES, DEFAULT_RESOURCES, type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { serveDryRunApply } from '../support/fake-kube-live.ts';
import { application, writeMiniRepo } from '../support/mini-repo.ts';
import { buildNamespace } from '../../src/commands/smoke/job.ts';
import * as f from './fixtures.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';

const captureIo = (root: string, env: Record<string, string>) => sharedCaptureIo({ root, env });

const namespace: KubeObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'soma-infra', labels: { 'app.kubernetes.io/managed-by': 'somastack' } },
};
const policy: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'opa-policy', namespace: 'soma-infra' },
  data: { 'policy.rego': 'package soma\ndefault allow := false\n' },
};

let fake: FakeKube;
let env: Record<string, string>;
let root: string;

/** Puts every desired object into the fake the way Argo CD would have left it after a sync. */
function seedSynced(): void {
  fake.put({
    ...namespace,
    spec: { finalizers: ['kubernetes'] },
    metadata: {
      ...namespace.metadata,
      labels: { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': 'soma-infra' },
    },
  });
  fake.put(f.liveDeployment());
  fake.put(f.liveService());
  fake.put(policy);
  for (const name of ['test-root', 'test-platform', 'test-opa']) {
    const component = name.slice(5);
    const path = component === 'root' ? 'apps/test' : `overlays/dev/${component}`;
    fake.put({
      ...application(name, path, component),
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    });
  }
}

beforeEach(async () => {
  // Tests that script their own faults register them first, then call serveDryRunApply (first answer wins).
  fake = await startFakeKube([...DEFAULT_RESOURCES, ...ARGO_RESOURCES]);
  const dir = tempDir('drift-');
  env = {
    KUBECONFIG: fake.writeKubeconfig(dir, { context: 'kind-soma' }),
    HOME: dir,
    SOMASTACK_KUBE_RETRY_SECONDS: '1',
  };
  root = writeMiniRepo(
    { platform: [namespace], opa: [f.desiredDeployment(), f.desiredService(), policy] },
    { kindName: 'soma' },
  );
});
afterEach(async () => fake.close());

describe('drift against the cluster', () => {
  it('finds no drift right after a sync, and never writes', async () => {
    seedSynced();
    serveDryRunApply(fake);
    const io = captureIo(root, env);
    expect(await main(['drift'], io)).toBe(0);
    expect(io.out).toBe(`no drift on test: 7 objects match git (server-side)\n`);
    expect(io.err).toContain("comparing cluster 'test' with context 'kind-soma'");
    expect(fake.writes).toEqual([]);
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBe(7);
    expect(
      patches.every(
        (r) =>
          r.query.dryRun === 'All' &&
          r.query.fieldManager === 'somastack-drift' &&
          r.contentType === 'application/apply-patch+yaml',
      ),
    ).toBe(true);
    expect(fake.requests.filter((r) => !['GET', 'PATCH'].includes(r.method))).toEqual([]);
  });

  it('reports a field changed by `kubectl patch`, exactly, with exit 1', async () => {
    seedSynced();
    const patched = fake.get('apps/v1', 'Deployment', 'opa', 'soma-infra')!;
    (patched.spec as { replicas: number }).replicas = 3;
    fake.put(patched);
    serveDryRunApply(fake);
    const io = captureIo(root, env);
    expect(await main(['drift', '--json'], io)).toBe(1);
    const report = JSON.parse(io.out);
    expect(report).toMatchObject({ mode: 'server-side', cluster: 'test', compared: 7, skipped: [] });
    expect(report.drifts).toEqual([
      {
        app: 'test-opa',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'soma-infra',
        name: 'opa',
        state: 'changed',
        changes: [{ path: 'spec.replicas', op: 'changed', desired: 1, live: 3 }],
      },
    ]);
  });

  it('reports a label added by hand with its manager, unless cluster.yaml trusts that manager', async () => {
    const labelled = (manager: string) => {
      seedSynced();
      const o = fake.get('apps/v1', 'Deployment', 'opa', 'soma-infra')!;
      o.metadata.labels = { ...o.metadata.labels, owner: 'night-shift' };
      const entry = {
        manager,
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2026-12-02T03:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:owner': {} } } },
      };
      o.metadata.managedFields = [...(o.metadata.managedFields as object[]), entry];
      fake.put(o);
    };
    labelled('kubectl-label');
    serveDryRunApply(fake);
    const io = captureIo(root, env);
    expect(await main(['drift'], io)).toBe(1);
    expect(io.out).toContain(
      '    metadata.labels.owner: added outside git by kubectl-label at 2026-12-02T03:00:00Z: "night-shift"\n',
    );

    const trusting = writeMiniRepo(
      { platform: [namespace], opa: [f.desiredDeployment(), f.desiredService(), policy] },
      { kindName: 'soma', cluster: { drift: { trustedManagers: ['kubectl-*'] } } },
    );
    const io2 = captureIo(trusting, env);
    expect(await main(['drift'], io2)).toBe(0);
  });

  it('reports missing objects and orphans; ignores controller-made, system and provided objects', async () => {
    seedSynced();
    serveDryRunApply(fake);
    fake.fault((r) =>
      r.method === 'GET' && r.path.endsWith('/configmaps/opa-policy')
        ? { status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'configmaps "opa-policy" not found' } }
        : undefined,
    );
    fake.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'debug-notes', namespace: 'soma-infra' },
      data: { a: 'b' },
    });
    fake.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: 'soma-infra' },
      data: {},
    });
    fake.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'soma-infra-postgres-credentials', namespace: 'soma-infra' },
      data: {},
    });
    fake.put({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'opa-5f', namespace: 'soma-infra', ownerReferences: [{ kind: 'Deployment', name: 'opa' }] },
    });
    fake.put({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'test-removed', namespace: 'argocd', labels: { 'app.kubernetes.io/managed-by': 'somastack' } },
      spec: {},
    });
    fake.put({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'not-ours', namespace: 'argocd' },
      spec: {},
    });
    fake.put(buildNamespace('soma-smoke-abc', 'abc', true)); // a smoke run in progress
    const io = captureIo(root, env);
    expect(await main(['drift'], io)).toBe(1);
    expect(io.out).toContain('test-opa:\n  ConfigMap/soma-infra/opa-policy: missing in the cluster\n');
    expect(io.out).toContain(
      '(no application):\n  Application/argocd/test-removed: in the cluster but not in git\n  ConfigMap/soma-infra/debug-notes: in the cluster but not in git\n',
    );
    expect(io.out).not.toMatch(/kube-root-ca|postgres-credentials|opa-5f|not-ours|soma-smoke/);
    expect(io.out).toMatch(
      /drift on test: 0 changed, 1 missing, 2 orphaned, 0 not comparable \(7 objects compared, server-side\)\n$/,
    );
  });

  it('reports a change the server refuses to apply (an immutable field) as not comparable', async () => {
    seedSynced();
    fake.fault((r) =>
      r.method === 'PATCH' && r.path.endsWith('/services/postgres')
        ? {
            status: 422,
            body: {
              kind: 'Status',
              reason: 'Invalid',
              message: 'Service "postgres" is invalid: spec.clusterIP: Invalid value: "None": field is immutable',
            },
          }
        : undefined,
    );
    serveDryRunApply(fake);
    const io = captureIo(root, env);
    expect(await main(['drift'], io)).toBe(1);
    expect(io.out).toMatch(
      /Service\/soma-infra\/postgres: could not compare — the API server rejected dry-run apply .*field is immutable/,
    );
  });

  it('exit 2 when the cluster cannot be reached', async () => {
    await fake.close();
    const io = captureIo(root, { ...env, SOMASTACK_KUBE_RETRY_SECONDS: '0' });
    expect(await main(['drift'], io)).toBe(2);
    expect(io.err).toMatch(/could not reach the cluster/);
  });
});

describe('drift --desired/--live (offline)', () => {
  function files(desired: KubeObject[], live: KubeObject[]): string {
    const dir = tempDir('drift-files-');
    writeFileSync(join(dir, 'desired.yaml'), toYamlStream(desired));
    writeFileSync(join(dir, 'live.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: live }));
    return dir;
  }

  it('exit 0 with no false drift for realistic live objects', async () => {
    const dir = files(
      [f.desiredDeployment(), f.desiredService(), f.desiredStatefulSet(), f.desiredNetworkPolicy()],
      [f.liveDeployment(), f.liveService(), f.liveStatefulSet(), f.liveNetworkPolicy()],
    );
    const io = captureIo(dir, {});
    expect(await main(['drift', '--desired', 'desired.yaml', '--live', 'live.yaml'], io)).toBe(0);
    expect(io.out).toBe('no drift: 4 objects match git (offline)\n');
  });

  it('exit 1 with the change, secrets masked', async () => {
    const live = f.liveDeployment() as any;
    live.spec.template.spec.containers[0].image = 'openpolicyagent/opa:0.70.0';
    const dir = files([f.desiredDeployment(), f.desiredSecret()], [live, f.liveSecret('leaked?')]);
    const io = captureIo(dir, {});
    expect(await main(['drift', '--desired', 'desired.yaml', '--live', 'live.yaml'], io)).toBe(1);
    expect(io.out).toContain(
      '    spec.template.spec.containers[name=opa].image: git "openpolicyagent/opa:1.4.2" → cluster "openpolicyagent/opa:0.70.0"\n',
    );
    expect(io.out).toContain('    data.admin-password: value differs (secret value hidden)\n');
    expect(io.out).not.toMatch(/leaked|bGVha2Vk|correct horse/);
  });

  it('exit 2 for a missing file or half the flags', async () => {
    const dir = files([], []);
    const io = captureIo(dir, {});
    expect(await main(['drift', '--desired', 'desired.yaml', '--live', 'nope.yaml'], io)).toBe(2);
    expect(io.err).toMatch(/nope\.yaml: no such file/);
    const io2 = captureIo(dir, {});
    expect(await main(['drift', '--desired', 'desired.yaml'], io2)).toBe(2);
    expect(io2.err).toMatch(/--desired and --live go together/);
  });
});

describe('drift of a cluster managed from a hub', () => {
  it('compares the Applications in the hub and the objects in the cluster, each through its own context', async () => {
    const hub = await startFakeKube([...DEFAULT_RESOURCES, ...ARGO_RESOURCES]);
    try {
      const spokeRoot = writeMiniRepo(
        { platform: [namespace], opa: [f.desiredDeployment(), f.desiredService(), policy] },
        {
          cluster: {
            context: 'soma-test',
            argocd: { managedBy: 'hub' },
            destination: { server: 'https://test.example.com:6443' },
          },
        },
      );
      mkdirSync(join(spokeRoot, 'clusters', 'hub'));
      writeFileSync(
        join(spokeRoot, 'clusters', 'hub', 'cluster.yaml'),
        'name: hub\nenvironment: prod\ncontext: soma-hub\ndestination: { server: https://kubernetes.default.svc }\nrepository: { url: https://github.com/example/repo.git, revision: main }\ncomponents: []\n',
      );
      seedSynced();
      // The Applications live in the hub, not in the cluster they deploy to.
      for (const app of fake.all('Application')) {
        hub.put(app);
        fake.remove(app.apiVersion, 'Application', app.metadata.name, 'argocd');
      }
      serveDryRunApply(fake);
      serveDryRunApply(hub);
      const kubeconfig = fake.writeKubeconfig(tempDir('drift-hub-'), {
        context: 'soma-test',
        extra: [{ context: 'soma-hub', server: hub.url }],
      });
      const io = captureIo(spokeRoot, { ...env, KUBECONFIG: kubeconfig });
      expect(await main(['drift', '--cluster', 'test'], io)).toBe(0);
      expect(io.out).toBe('no drift on test: 7 objects match git (server-side)\n');
      expect(io.err).toContain(
        "comparing cluster 'test' with context 'soma-test' (its Argo CD objects with hub context 'soma-hub')",
      );
      // Each side was asked only about what lives there.
      expect(hub.requests.some((r) => r.path.includes('/deployments'))).toBe(false);
      expect(fake.requests.some((r) => r.method === 'PATCH' && r.path.includes('/applications'))).toBe(false);
    } finally {
      await hub.close();
    }
  });
});
