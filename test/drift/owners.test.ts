// Drift outside the fields git sets, told apart by managedFields. The entries below have
// the shapes the API server records for the tools named: Argo CD's server-side apply
// ("argocd-controller", Apply), controllers' updates (Update, some on the status
// subresource), and a person's kubectl (kubectl-edit, kubectl-patch,
// kubectl-client-side-apply: Update; `kubectl apply --server-side`: "kubectl", Apply).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OWNER_POLICY,
  fieldsOutsideGit,
  isTrustedManager,
  offlineObjectDrift,
  renderDriftText,
  serverSideObjectDrift,
  subtractFieldSets,
} from '../../src/core/drift/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { fieldsV1Of } from '../support/fake-kube-live.ts';
import * as f from './fixtures.ts';

type Entry = { manager: string; operation: 'Apply' | 'Update'; fieldsV1: object; subresource?: string; time?: string };
const TRACKING = { 'f:metadata': { 'f:annotations': { 'f:argocd.argoproj.io/tracking-id': {} } } };
const CONTROLLER: Entry = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:deployment.kubernetes.io/revision': {} } } },
};
const STATUS: Entry = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  subresource: 'status',
  fieldsV1: { 'f:status': { 'f:replicas': {} } },
};

/** Argo CD's apply of `applied` (git plus its tracking annotation), then the other entries. */
function live(o: KubeObject, applied: KubeObject, ...others: Entry[]): KubeObject {
  const copy = structuredClone(o);
  const argocd = {
    ...fieldsV1Of(applied),
    'f:metadata': { ...(fieldsV1Of(applied) as any)['f:metadata'], ...TRACKING['f:metadata'] },
  };
  copy.metadata.managedFields = [
    {
      manager: 'argocd-controller',
      operation: 'Apply',
      apiVersion: o.apiVersion,
      time: '2026-11-30T09:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: argocd,
    },
    ...others.map((e) => ({ apiVersion: o.apiVersion, fieldsType: 'FieldsV1', time: '2026-12-01T14:02:11Z', ...e })),
  ];
  return copy;
}

const container = (fields: object) => ({
  'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"opa"}': fields } } } },
});
const envItem = (name: string) => ({ 'f:env': { [`k:{"name":"${name}"}`]: { '.': {}, 'f:name': {}, 'f:value': {} } } });

function withEnv(o: KubeObject, name: string, value: string): KubeObject {
  const copy = structuredClone(o) as any;
  copy.spec.template.spec.containers[0].env.push({ name, value });
  return copy;
}

const offline = (desired: KubeObject, l: KubeObject) => offlineObjectDrift('kind-soma-opa', desired, l);

describe('drift outside the fields git sets', () => {
  it('finds nothing on an object exactly as Argo CD and the controllers left it', () => {
    const l = live(f.liveDeployment(), f.desiredDeployment(), CONTROLLER, STATUS);
    expect(offline(f.desiredDeployment(), l)).toBeUndefined();
  });

  it('reports an env var added with kubectl edit, with the manager and time', () => {
    const l = live(withEnv(f.liveDeployment(), 'DEBUG', '1'), f.desiredDeployment(), CONTROLLER, {
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsV1: container(envItem('DEBUG')),
    });
    expect(offline(f.desiredDeployment(), l)!.changes).toEqual([
      {
        path: 'spec.template.spec.containers[name=opa].env[name=DEBUG]',
        op: 'extra',
        origin: 'added-outside-git',
        manager: 'kubectl-edit',
        time: '2026-12-01T14:02:11Z',
        live: { name: 'DEBUG', value: '1' },
      },
    ]);
  });

  it('reports a whole container added with kubectl patch as one change', () => {
    const l = structuredClone(f.liveDeployment()) as any;
    l.spec.template.spec.containers.push({ name: 'debug', image: 'busybox:1.37', command: ['sleep', 'infinity'] });
    const fields = {
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"debug"}': { '.': {}, 'f:command': {}, 'f:image': {}, 'f:name': {} } },
          },
        },
      },
    };
    const d = offline(
      f.desiredDeployment(),
      live(l, f.desiredDeployment(), { manager: 'kubectl-patch', operation: 'Update', fieldsV1: fields }),
    );
    expect(d!.changes.map((c) => [c.path, c.manager, (c.live as any)?.image])).toEqual([
      ['spec.template.spec.containers[name=debug]', 'kubectl-patch', 'busybox:1.37'],
    ]);
  });

  it('reports a ConfigMap key from kubectl apply (client-side) and a label from kubectl apply --server-side', () => {
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'opa-policy', namespace: 'soma-infra' },
      data: { 'policy.rego': 'package soma\n' },
    };
    const l = structuredClone(desired) as any;
    l.data.extra = 'x';
    l.metadata.labels = { team: 'ops' };
    const d = offline(
      desired,
      live(
        l,
        desired,
        { manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: { 'f:data': { 'f:extra': {} } } },
        { manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } },
      ),
    );
    expect(d!.changes.map((c) => [c.path, c.origin, c.manager, c.live])).toEqual([
      ['data.extra', 'added-outside-git', 'kubectl-client-side-apply', 'x'],
      ['metadata.labels.team', 'added-outside-git', 'kubectl', 'ops'],
    ]);
  });

  it('reports a field git removed that Argo CD still applies (the next sync prunes it)', () => {
    const before = withEnv(f.desiredDeployment(), 'OPA_EXTRA', 'on');
    const l = live(withEnv(f.liveDeployment(), 'OPA_EXTRA', 'on'), before, CONTROLLER);
    expect(offline(f.desiredDeployment(), l)!.changes).toEqual([
      {
        path: 'spec.template.spec.containers[name=opa].env[name=OPA_EXTRA]',
        op: 'extra',
        origin: 'removed-from-git',
        manager: 'argocd-controller',
        time: '2026-11-30T09:00:00Z',
        live: { name: 'OPA_EXTRA', value: 'on' },
      },
    ]);
  });

  it('does not report additions by controllers, operators, or managers a cluster trusts', () => {
    const l = withEnv(f.liveDeployment(), 'INJECTED', '1');
    const entry = (manager: string): Entry => ({
      manager,
      operation: 'Update',
      fieldsV1: container(envItem('INJECTED')),
    });
    for (const manager of ['kube-controller-manager', 'cert-manager-cainjector', 'strimzi-cluster-operator']) {
      expect(offline(f.desiredDeployment(), live(l, f.desiredDeployment(), entry(manager)))).toBeUndefined();
    }
    const vpa = live(l, f.desiredDeployment(), entry('vpa-updater'));
    expect(offline(f.desiredDeployment(), vpa)!.changes[0]!.manager).toBe('vpa-updater');
    const policy = { ...DEFAULT_OWNER_POLICY, trusted: [...DEFAULT_OWNER_POLICY.trusted, 'vpa-*'] };
    expect(offlineObjectDrift('a', f.desiredDeployment(), vpa, policy)).toBeUndefined();
  });

  it('hides the value of a Secret key added by hand', () => {
    const l = structuredClone(f.liveSecret()) as any;
    l.data.backdoor = Buffer.from('hunter2').toString('base64');
    const { uid: _u, resourceVersion: _r, ...meta } = f.liveSecret().metadata;
    const applied = { ...f.liveSecret(), metadata: meta };
    const d = offline(
      f.desiredSecret(),
      live(l, applied, { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:backdoor': {} } } }),
    );
    expect(d!.changes).toEqual([
      {
        path: 'data.backdoor',
        op: 'extra',
        origin: 'added-outside-git',
        manager: 'kubectl-edit',
        time: '2026-12-01T14:02:11Z',
        masked: true,
      },
    ]);
    expect(JSON.stringify(d)).not.toMatch(/hunter2|aHVudGVyMg/);
    expect(renderDriftText({ mode: 'offline', compared: 1, drifts: [d!], skipped: [] })).toContain('data.backdoor: ');
  });

  it('skips fields a manager once set that the object no longer has, and status writes', () => {
    const gone: Entry = { manager: 'kubectl-edit', operation: 'Update', fieldsV1: container(envItem('GONE')) };
    const status: Entry = {
      manager: 'kubectl-edit',
      operation: 'Update',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
    };
    expect(
      offline(f.desiredDeployment(), live(f.liveDeployment(), f.desiredDeployment(), gone, status)),
    ).toBeUndefined();
  });

  it('in server-side mode, subtracts what the dry-run would apply and never blames its own manager', () => {
    const l = live(withEnv(f.liveDeployment(), 'DEBUG', '1'), f.desiredDeployment(), {
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsV1: container(envItem('DEBUG')),
    });
    const predicted = structuredClone(l);
    predicted.metadata.managedFields = [
      ...(l.metadata.managedFields as object[]),
      {
        manager: 'somastack-drift',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsV1Of(f.desiredDeployment()),
      },
    ];
    const d = serverSideObjectDrift('kind-soma-opa', f.desiredDeployment(), predicted, l, 'somastack-drift');
    expect(d!.changes.map((c) => [c.path, c.manager])).toEqual([
      ['spec.template.spec.containers[name=opa].env[name=DEBUG]', 'kubectl-edit'],
    ]);
  });
});

describe('field set subtraction', () => {
  it('treats a leaf in git as owning everything under it, and list keys by value', () => {
    const owned = {
      'f:spec': {
        'f:selector': { 'f:matchLabels': { 'f:x': {} } },
        'f:ports': { 'k:{"protocol":"TCP","port":80}': { '.': {}, 'f:name': {} } },
      },
    };
    const git = {
      'f:spec': { 'f:selector': {}, 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {} } } },
    };
    expect(subtractFieldSets(owned, git)).toEqual([]);
    expect(subtractFieldSets({ 'f:data': { 'f:a': {}, 'f:b': {} } }, { 'f:data': { 'f:a': {} } })).toEqual([
      ['f:data', 'f:b'],
    ]);
  });

  it('matches trusted managers exactly or by a trailing * prefix', () => {
    expect(isTrustedManager('cert-manager-certificates-issuing', ['cert-manager-*'])).toBe(true);
    expect(isTrustedManager('kubectl-edit', DEFAULT_OWNER_POLICY.trusted)).toBe(false);
    expect(isTrustedManager('kubelet-impostor', ['kubelet'])).toBe(false);
  });

  it('ignores an object without managedFields (plain kubectl get output)', () => {
    const o = f.liveDeployment();
    delete o.metadata.managedFields;
    expect(fieldsOutsideGit(o, {}, DEFAULT_OWNER_POLICY)).toEqual([]);
  });
});
