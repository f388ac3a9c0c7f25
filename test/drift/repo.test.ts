// The whole generated tree of kind-soma, rendered with real kustomize, as the "live"
// state of a fake API server right after a sync: drift must find nothing, then exactly
// the one field changed behind git's back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/adapters/inputs.ts';
import { listApplications, renderApps } from '../../src/adapters/render.ts';
import { main } from '../../src/cli/main.ts';
import { parseObjects } from '../../src/core/drift/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { ARGO_RESOURCES, DEFAULT_RESOURCES, type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { fieldsV1Of, serveDryRunApply } from '../support/fake-kube-live.ts';
import { ROOT } from '../support/render-all.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';

let fake: FakeKube;
let env: Record<string, string>;
let objects: KubeObject[];
let bootstrapped: KubeObject[];

/** The object as a server-side apply under `manager` leaves it: the applied fields owned by the manager. */
function appliedBy(o: KubeObject, manager: string): KubeObject {
  const entry = {
    manager,
    operation: 'Apply',
    apiVersion: o.apiVersion,
    time: '2026-12-01T10:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1Of(o),
  };
  return { ...o, metadata: { ...o.metadata, managedFields: [entry] } };
}

/** As Argo CD's sync leaves it: its tracking annotation added, then applied as argocd-controller. */
function syncedBy(app: string, o: KubeObject): KubeObject {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const tracking = `${app}:${group}/${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const annotations = { ...o.metadata.annotations, 'argocd.argoproj.io/tracking-id': tracking };
  return appliedBy({ ...o, metadata: { ...o.metadata, annotations } }, 'argocd-controller');
}

function plural(kind: string): string {
  const k = kind.toLowerCase();
  return k.endsWith('y') ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`;
}

beforeAll(async () => {
  const cluster = await loadCluster(ROOT, 'kind-soma');
  const rendered = await renderApps(ROOT, await listApplications(ROOT, cluster));
  // What bootstrap applies itself (the root Application and its project) is live too.
  const rootFile = readFileSync(join(ROOT, 'bootstrap/clusters/kind-soma/root-app.yaml'), 'utf8');
  bootstrapped = parseObjects('root-app.yaml', rootFile, []);
  objects = [...bootstrapped, ...rendered.flatMap((r) => r.objects)];
  fake = await startFakeKube([...DEFAULT_RESOURCES, ...ARGO_RESOURCES]);
  const synced = [
    ...bootstrapped.map((o) => appliedBy(o, 'somastack')),
    ...rendered.flatMap((r) => r.objects.map((o) => syncedBy(r.app, o))),
  ];
  for (const o of synced) {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    // Kinds the fake does not know yet; the rendered tree has namespaced objects only besides Namespace.
    fake.register({
      group: group!,
      version: version!,
      kind: o.kind,
      plural: plural(o.kind),
      // Cluster-scoped: Namespace and the rbac Cluster* kinds; a CloudNativePG Cluster is namespaced.
      namespaced: o.metadata.namespace !== undefined,
    });
    fake.put(o);
  }
  serveDryRunApply(fake);
  env = {
    KUBECONFIG: fake.writeKubeconfig(tempDir('drift-repo-'), { context: 'kind-soma' }),
    SOMASTACK_KUBE_RETRY_SECONDS: '1',
  };
});
afterAll(async () => fake?.close());

const captureIo = () => sharedCaptureIo({ root: ROOT, env });

describe('drift on the generated kind-soma tree', () => {
  it('finds no drift when the cluster holds exactly what git renders', async () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(bootstrapped.map((o) => o.kind).sort()).toEqual(['AppProject', 'Application']);
    const io = captureIo();
    const code = await main(['drift', '--cluster', 'kind-soma', '--json'], io);
    const report = JSON.parse(io.out);
    expect(report.drifts).toEqual([]);
    expect(code).toBe(0);
    expect(report.compared).toBe(objects.length);
    expect(report.skipped.map((s: { app: string }) => s.app)).toEqual(
      ['kind-soma-argocd', 'kind-soma-cnpg', 'kind-soma-cert-manager', 'kind-soma-strimzi'].sort(),
    );
  });

  // What bootstrap leaves besides the rendered tree: the argocd Namespace from bootstrap/argocd's
  // own namespace.yaml (labelled as ours), before and after Argo CD's self-managing app tracks it.
  for (const tracking of [false, true]) {
    it(`finds no drift with the argocd Namespace bootstrap applied (${tracking ? 'tracked by kind-soma-argocd' : 'untracked'})`, async () => {
      const seeded = fake.put({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'argocd',
          labels: { 'app.kubernetes.io/managed-by': 'somastack' },
          ...(tracking
            ? { annotations: { 'argocd.argoproj.io/tracking-id': 'kind-soma-argocd:/Namespace:/argocd' } }
            : {}),
        },
      });
      expect(seeded.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'somastack' });
      const io = captureIo();
      const code = await main(['drift', '--cluster', 'kind-soma', '--json'], io);
      expect(JSON.parse(io.out).drifts).toEqual([]);
      expect(code).toBe(0);
    });
  }

  it('still reports a Namespace labelled as ours that nothing explains', async () => {
    fake.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'soma-leftover', labels: { 'app.kubernetes.io/managed-by': 'somastack' } },
    });
    const io = captureIo();
    expect(await main(['drift', '--cluster', 'kind-soma', '--json'], io)).toBe(1);
    expect(
      JSON.parse(io.out).drifts.map((d: { kind: string; name: string; state: string }) => [d.kind, d.name, d.state]),
    ).toEqual([['Namespace', 'soma-leftover', 'orphan']]);
    expect(fake.remove('v1', 'Namespace', 'soma-leftover')).toBe(true);
  });

  it('reports exactly the label changed behind git’s back', async () => {
    const target = objects.find((o) => o.kind === 'StatefulSet')!;
    const live = fake.get(target.apiVersion, target.kind, target.metadata.name, target.metadata.namespace)!;
    live.metadata.labels = { ...live.metadata.labels, 'app.kubernetes.io/part-of': 'tampered' };
    fake.put(live);
    const io = captureIo();
    expect(await main(['drift', '--cluster', 'kind-soma', '--json'], io)).toBe(1);
    const { drifts } = JSON.parse(io.out);
    expect(drifts).toHaveLength(1);
    expect(drifts[0]).toMatchObject({ kind: 'StatefulSet', name: target.metadata.name, state: 'changed' });
    expect(drifts[0].changes).toEqual([
      {
        path: 'metadata.labels["app.kubernetes.io/part-of"]',
        op: 'changed',
        desired: target.metadata.labels!['app.kubernetes.io/part-of'],
        live: 'tampered',
      },
    ]);
  });

  it('reports an env var a person added with kubectl edit, naming the tool', async () => {
    const target = objects.find((o) => o.kind === 'Deployment')!;
    const live = fake.get(target.apiVersion, target.kind, target.metadata.name, target.metadata.namespace) as any;
    const container = live.spec.template.spec.containers[0];
    container.env = [...(container.env ?? []), { name: 'DEBUG', value: '1' }];
    const fields = {
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              [`k:{"name":"${container.name}"}`]: {
                'f:env': { 'k:{"name":"DEBUG"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
              },
            },
          },
        },
      },
    };
    live.metadata.managedFields.push({
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: live.apiVersion,
      time: '2026-12-02T08:30:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: fields,
    });
    fake.put(live);
    const io = captureIo();
    expect(await main(['drift', '--cluster', 'kind-soma'], io)).toBe(1);
    expect(io.out).toContain(
      `containers[name=${container.name}].env[name=DEBUG]: added outside git by kubectl-edit at 2026-12-02T08:30:00Z: {"name":"DEBUG","value":"1"}`,
    );
    // Nothing else Argo CD or the controllers own reads as added or dropped (the label above is the earlier test's).
    expect(io.out.match(/added outside git|no longer in git/g)).toHaveLength(1);
  });
});
