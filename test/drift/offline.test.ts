import { describe, expect, it } from 'vitest';
import { offlineDrift, offlineObjectDrift, renderDriftText } from '../../src/core/drift/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import * as f from './fixtures.ts';

const PAIRS: [string, () => KubeObject, () => KubeObject][] = [
  ['Deployment with defaults, status, managedFields, quantities in other units', f.desiredDeployment, f.liveDeployment],
  ['Service with cluster IPs, ip families, default protocol', f.desiredService, f.liveService],
  ['StatefulSet with defaulted volumeClaimTemplates', f.desiredStatefulSet, f.liveStatefulSet],
  ['NetworkPolicy with defaulted port protocol inside an atomic list', f.desiredNetworkPolicy, f.liveNetworkPolicy],
  ['Secret written with stringData, read back as base64 data', f.desiredSecret, () => f.liveSecret()],
];

describe('offline drift: no false drift from server-filled fields', () => {
  it.each(PAIRS)('%s', (_name, desired, live) => {
    expect(offlineObjectDrift('app', desired(), live())).toBeUndefined();
  });
});

describe('offline drift: real changes, exactly', () => {
  it('reports a changed image and replica count, nothing else', () => {
    const live = f.liveDeployment() as any;
    live.spec.replicas = 3;
    live.spec.template.spec.containers[0].image = 'openpolicyagent/opa:1.5.0';
    const d = offlineObjectDrift('kind-soma-opa', f.desiredDeployment(), live);
    expect(d).toMatchObject({
      app: 'kind-soma-opa',
      kind: 'Deployment',
      namespace: 'soma-infra',
      name: 'opa',
      state: 'changed',
    });
    expect(d!.changes).toEqual([
      { path: 'spec.replicas', op: 'changed', desired: 1, live: 3 },
      {
        path: 'spec.template.spec.containers[name=opa].image',
        op: 'changed',
        desired: 'openpolicyagent/opa:1.4.2',
        live: 'openpolicyagent/opa:1.5.0',
      },
    ]);
  });

  it('reports a removed label and an env var the cluster lacks', () => {
    const live = f.liveDeployment() as any;
    delete live.metadata.labels['app.kubernetes.io/managed-by'];
    live.spec.template.spec.containers[0].env = [];
    const d = offlineObjectDrift('a', f.desiredDeployment(), live);
    expect(d!.changes).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/managed-by"]', op: 'missing', desired: 'somastack' },
      {
        path: 'spec.template.spec.containers[name=opa].env[name=OPA_LOG_LEVEL]',
        op: 'missing',
        desired: { name: 'OPA_LOG_LEVEL', value: 'info' },
      },
    ]);
  });

  it('compares quantities by value: a real limit change shows, a unit change does not', () => {
    const live = f.liveDeployment() as any;
    live.spec.template.spec.containers[0].resources.limits.memory = '1Gi';
    live.spec.template.spec.containers[0].resources.requests.cpu = '0.1';
    const d = offlineObjectDrift('a', f.desiredDeployment(), live);
    expect(d!.changes.map((c) => c.path)).toEqual(['spec.template.spec.containers[name=opa].resources.limits.memory']);
  });

  it('reports a changed rule inside an atomic list', () => {
    const live = f.liveNetworkPolicy() as any;
    live.spec.ingress[0].ports[0].port = 5433;
    const d = offlineObjectDrift('a', f.desiredNetworkPolicy(), live);
    expect(d!.changes).toHaveLength(1);
    expect(d!.changes[0]).toMatchObject({
      path: 'spec.ingress[0].ports[0].port',
      op: 'changed',
      desired: 5432,
      live: 5433,
    });
  });

  it('reports an object the cluster lacks as missing', () => {
    expect(offlineObjectDrift('a', f.desiredService(), undefined)).toMatchObject({ state: 'missing', changes: [] });
  });
});

describe('secret masking', () => {
  it('reports which key changed, never a value', () => {
    const d = offlineObjectDrift('kind-soma-grafana', f.desiredSecret(), f.liveSecret('hunter2'));
    expect(d!.changes).toEqual([{ path: 'data.admin-password', op: 'changed', masked: true }]);
    const text = renderDriftText({ mode: 'offline', compared: 1, drifts: [d!], skipped: [] });
    expect(text).toContain('data.admin-password: value differs (secret value hidden)');
    for (const secret of [
      'hunter2',
      'correct horse',
      Buffer.from('hunter2').toString('base64'),
      Buffer.from('correct horse').toString('base64'),
    ]) {
      expect(text).not.toContain(secret);
      expect(JSON.stringify(d)).not.toContain(secret);
    }
  });

  it('masks a key the cluster lacks', () => {
    const live = f.liveSecret() as any;
    delete live.data['admin-user'];
    const d = offlineObjectDrift('a', f.desiredSecret(), live);
    expect(d!.changes).toEqual([{ path: 'data.admin-user', op: 'missing', masked: true }]);
  });
});

describe('offlineDrift (two files)', () => {
  it('pairs objects, reports orphans, skips controller-made and system objects', () => {
    const orphan: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'left-behind', namespace: 'soma-infra' },
      data: {},
    };
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'opa-5f-x', namespace: 'soma-infra' } };
    const rootCa: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: 'soma-infra' },
    };
    const owned: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'backup-123', namespace: 'soma-infra', ownerReferences: [{ kind: 'CronJob', name: 'backup' }] },
    };
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-postgres-0', namespace: 'soma-infra' },
    };
    const report = offlineDrift(
      [f.desiredDeployment(), f.desiredService(), f.desiredStatefulSet()],
      [f.liveDeployment(), f.liveService(), f.liveStatefulSet(), orphan, pod, rootCa, owned, claim],
    );
    expect(report.compared).toBe(3);
    expect(report.drifts).toEqual([
      {
        app: '',
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'soma-infra',
        name: 'left-behind',
        state: 'orphan',
        changes: [],
      },
    ]);
  });

  it('is empty for identical files', () => {
    const report = offlineDrift([f.desiredService()], [f.liveService()]);
    expect(report.drifts).toEqual([]);
    expect(renderDriftText(report)).toBe('no drift: 1 objects match git (offline)\n');
  });

  it('takes the application from Argo CD tracking', () => {
    const live = f.liveDeployment() as any;
    live.spec.replicas = 2;
    // liveDeployment() carries the tracking annotation Argo CD writes.
    const report = offlineDrift([f.desiredDeployment()], [live]);
    expect(report.drifts[0]!.app).toBe('kind-soma-opa');
    expect(renderDriftText(report)).toMatch(
      /^kind-soma-opa:\n {2}Deployment\/soma-infra\/opa: changed\n {4}spec.replicas: git 1 → cluster 2\n/,
    );
  });
});
