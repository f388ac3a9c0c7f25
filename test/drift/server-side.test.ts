// Live mode: the "expected" side is the API server's answer to a server-side apply
// dry-run under our field manager. These fixtures carry managedFields in the exact
// FieldsV1 shape the API server writes.
import { describe, expect, it } from 'vitest';
import { ownedFieldSet, serverSideObjectDrift } from '../../src/core/drift/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import * as f from './fixtures.ts';

const MANAGER = 'somastack-drift';

const SERVICE_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {} } },
  'f:spec': {
    'f:ports': { 'k:{"port":5432,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} } },
    'f:selector': {},
  },
};

const DEPLOYMENT_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {}, 'f:app.kubernetes.io/name': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': {
        'f:annotations': { 'f:soma.sh/config-hash': {} },
        'f:labels': { 'f:app.kubernetes.io/name': {} },
      },
      'f:spec': {
        'f:containers': {
          'k:{"name":"opa"}': {
            '.': {},
            'f:args': {},
            'f:env': { 'k:{"name":"OPA_LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
            'f:image': {},
            'f:name': {},
            'f:ports': {
              'k:{"containerPort":8181,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} },
            },
            'f:resources': {
              'f:limits': { 'f:cpu': {}, 'f:memory': {} },
              'f:requests': { 'f:cpu': {}, 'f:memory': {} },
            },
          },
        },
      },
    },
  },
};

function withManager(o: KubeObject, fieldsV1: object, manager = MANAGER): KubeObject {
  const copy = structuredClone(o);
  const others = Array.isArray(copy.metadata.managedFields) ? copy.metadata.managedFields : [];
  copy.metadata.managedFields = [
    ...others,
    { manager, operation: 'Apply', apiVersion: copy.apiVersion, fieldsType: 'FieldsV1', fieldsV1 },
  ];
  copy.metadata.resourceVersion = '99999';
  return copy;
}

describe('ownedFieldSet', () => {
  it('takes only Apply entries of the given manager', () => {
    const o = withManager(
      withManager(f.liveService(), { 'f:spec': { 'f:type': {} } }, 'kube-controller'),
      SERVICE_FIELDS,
    );
    expect(ownedFieldSet(o, MANAGER)).toEqual(SERVICE_FIELDS);
    expect(ownedFieldSet(o, 'someone-else')).toEqual({});
  });
});

describe('server-side drift', () => {
  it('finds no drift when the dry-run changes nothing, whatever other managers set', () => {
    const live = f.liveService();
    expect(
      serverSideObjectDrift('kind-soma-postgres', f.desiredService(), withManager(live, SERVICE_FIELDS), live, MANAGER),
    ).toBeUndefined();
  });

  it('ignores differences outside our fields (status, fields of other managers, metadata noise)', () => {
    const live = f.liveDeployment() as any;
    const predicted = withManager(live, DEPLOYMENT_FIELDS) as any;
    predicted.status = { observedGeneration: 4 };
    predicted.metadata.generation = 4;
    predicted.spec.revisionHistoryLimit = 5;
    expect(serverSideObjectDrift('a', f.desiredDeployment(), predicted, live, MANAGER)).toBeUndefined();
  });

  it('reports the field `kubectl patch` changed, and only that', () => {
    const desired = f.desiredDeployment();
    const predicted = withManager(f.liveDeployment(), DEPLOYMENT_FIELDS);
    const live = f.liveDeployment() as any;
    live.spec.replicas = 4;
    live.spec.template.spec.containers[0].env[0].value = 'debug';
    const d = serverSideObjectDrift('kind-soma-opa', desired, predicted, live, MANAGER);
    expect(d).toMatchObject({ app: 'kind-soma-opa', state: 'changed' });
    expect(d!.changes).toEqual([
      { path: 'spec.replicas', op: 'changed', desired: 1, live: 4 },
      {
        path: 'spec.template.spec.containers[name=opa].env[name=OPA_LOG_LEVEL].value',
        op: 'changed',
        desired: 'info',
        live: 'debug',
      },
    ]);
  });

  it('reports a container the cluster lacks as one change', () => {
    const fields = structuredClone(DEPLOYMENT_FIELDS) as any;
    fields['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"exporter"}'] = {
      '.': {},
      'f:image': {},
      'f:name': {},
    };
    const predicted = withManager(f.liveDeployment(), fields) as any;
    predicted.spec.template.spec.containers.push({ name: 'exporter', image: 'exporter:1' });
    const d = serverSideObjectDrift('a', f.desiredDeployment(), predicted, f.liveDeployment(), MANAGER);
    expect(d!.changes).toEqual([
      {
        path: 'spec.template.spec.containers[name=exporter]',
        op: 'missing',
        desired: { name: 'exporter', image: 'exporter:1' },
      },
    ]);
  });

  it('masks Secret values', () => {
    const fields = { 'f:data': { 'f:admin-password': {}, 'f:admin-user': {} }, 'f:type': {} };
    const predicted = withManager(f.liveSecret('from-git'), fields);
    const d = serverSideObjectDrift('a', f.desiredSecret(), predicted, f.liveSecret('edited-by-hand'), MANAGER);
    expect(d!.changes).toEqual([{ path: 'data.admin-password', op: 'changed', masked: true }]);
    expect(JSON.stringify(d)).not.toMatch(/from-git|edited-by-hand|ZnJvbS1naXQ|ZWRpdGVk/);
  });
});
