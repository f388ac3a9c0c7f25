// What applying a change does in the cluster, worked out from the two versions of an
// object: a rollout, a scale, a volume expansion, an update Kubernetes will reject
// because the field is immutable (so the object must be recreated), or a prune.
import { ANNOTATIONS } from '../names.ts';
import type { KubeObject } from '../kube.ts';
import { sameValue } from './values.ts';
import type { Impact, SecretKeyChanges } from './types.ts';

type Spec = Record<string, unknown>;

// Fields Kubernetes lets an update change; any other spec change is rejected
// ("updates to statefulset spec for fields other than ... are forbidden").
const STATEFULSET_MUTABLE = new Set([
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
]);
const JOB_IMMUTABLE = [
  'selector',
  'template',
  'completionMode',
  'completions',
  'podFailurePolicy',
  'backoffLimitPerIndex',
  'managedBy',
];
const PVC_MUTABLE = new Set(['resources', 'volumeAttributesClassName']);
const ROLLING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

const RECREATE_HOW =
  'Kubernetes rejects this update, so the sync fails until the object is deleted and created again (by hand, or with the Argo CD sync option Replace=true)';

export function assessImpact(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
  secretKeys?: SecretKeyChanges,
): Impact[] {
  if (!base && head) return [{ kind: 'create', severity: 'info', message: 'new object: Argo CD will create it' }];
  if (base && !head) return removalImpacts(base);
  if (!base || !head) return [];
  const impacts = [
    ...immutableImpacts(base, head),
    ...workloadImpacts(base, head),
    ...storageImpacts(base, head),
    ...dataImpacts(base, head, secretKeys),
  ];
  if (impacts.length) return impacts;
  if (onlyMetadataChanged(base, head))
    return [
      { kind: 'metadata', severity: 'info', message: 'labels or annotations only: updated in place, nothing restarts' },
    ];
  return [{ kind: 'update', severity: 'info', message: 'updated in place' }];
}

function removalImpacts(o: KubeObject): Impact[] {
  const options = o.metadata.annotations?.[ANNOTATIONS.syncOptions] ?? '';
  if (/(^|,)\s*Prune=false\s*(,|$)/.test(options)) {
    return [
      {
        kind: 'keep',
        severity: 'warning',
        message:
          'removed from git, but kept in the cluster (sync option Prune=false): delete it by hand when no longer needed',
      },
    ];
  }
  const impacts: Impact[] = [
    { kind: 'prune', severity: 'warning', message: 'removed: Argo CD will prune (delete) it' },
  ];
  const extra: Record<string, string> = {
    PersistentVolumeClaim: 'deleting the claim can delete its volume and data (reclaim policy Delete)',
    Namespace: 'deleting a namespace deletes everything in it',
    CustomResourceDefinition: 'deleting a CRD deletes every object of that type',
    StatefulSet: 'its PersistentVolumeClaims stay unless persistentVolumeClaimRetentionPolicy says Delete',
  };
  const note = extra[o.kind];
  if (note) impacts.push({ kind: 'prune', severity: o.kind === 'StatefulSet' ? 'info' : 'danger', message: note });
  return impacts;
}

function specOf(o: KubeObject): Spec {
  const s = o.spec;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Spec) : {};
}

function changedKeys(a: Spec, b: Spec): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameValue(a[k], b[k])).sort();
}

function recreate(fields: string[], extra = ''): Impact {
  const list = fields.map((f) => `\`${f}\``).join(', ');
  return {
    kind: 'recreate',
    severity: 'danger',
    message: `immutable field${fields.length > 1 ? 's' : ''} ${list} changed: must be recreated. ${RECREATE_HOW}${extra}`,
    fields,
  };
}

function immutableImpacts(base: KubeObject, head: KubeObject): Impact[] {
  const a = specOf(base);
  const b = specOf(head);
  const changed = changedKeys(a, b);
  const fields = (keys: string[]) => keys.filter((k) => changed.includes(k)).map((k) => `spec.${k}`);
  switch (head.kind) {
    case 'StatefulSet': {
      const bad = changed.filter((k) => !STATEFULSET_MUTABLE.has(k)).map((k) => `spec.${k}`);
      if (!bad.length) return [];
      const pvcNote = bad.includes('spec.volumeClaimTemplates')
        ? '; delete it with `kubectl delete statefulset --cascade=orphan` so pods and volumes stay, and resize existing PersistentVolumeClaims separately (a new template only applies to new claims)'
        : '; `kubectl delete statefulset --cascade=orphan` keeps its pods and volumes';
      return [recreate(bad, pvcNote)];
    }
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
      return fields(['selector']).length ? [recreate(fields(['selector']))] : [];
    case 'Job': {
      const bad = fields(JOB_IMMUTABLE);
      return bad.length ? [recreate(bad)] : [];
    }
    case 'Service': {
      const bad = fields(['clusterIP', 'clusterIPs']);
      return bad.length ? [recreate(bad)] : [];
    }
    case 'PersistentVolumeClaim': {
      const bad = changed.filter((k) => !PVC_MUTABLE.has(k)).map((k) => `spec.${k}`);
      return bad.length
        ? [recreate(bad, '; recreating a claim loses the data on its volume unless it is restored')]
        : [];
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return sameValue(base.roleRef, head.roleRef) ? [] : [recreate(['roleRef'])];
    default:
      return immutableDataImpacts(base, head);
  }
}

/** A ConfigMap or Secret marked immutable cannot change its data. */
function immutableDataImpacts(base: KubeObject, head: KubeObject): Impact[] {
  if ((head.kind !== 'ConfigMap' && head.kind !== 'Secret') || base.immutable !== true) return [];
  const fields = ['data', 'binaryData', 'stringData', 'immutable'].filter((k) => !sameValue(base[k], head[k]));
  return fields.length ? [recreate(fields)] : [];
}

function workloadImpacts(base: KubeObject, head: KubeObject): Impact[] {
  const a = specOf(base);
  const b = specOf(head);
  const impacts: Impact[] = [];
  if (ROLLING_KINDS.has(head.kind) && !sameValue(a.replicas, b.replicas)) {
    const show = (v: unknown) => (v === undefined ? '1 (default)' : String(v));
    impacts.push({
      kind: 'scale',
      severity: 'info',
      message: `scales from ${show(a.replicas)} to ${show(b.replicas)} replicas`,
      fields: ['spec.replicas'],
    });
  }
  if (ROLLING_KINDS.has(head.kind) && !sameValue(a.template, b.template)) {
    impacts.push({
      kind: 'rollout',
      severity: 'info',
      message: rolloutMessage(head.kind, b),
      fields: ['spec.template'],
    });
  }
  if (head.kind === 'CronJob' && !sameValue(a.jobTemplate, b.jobTemplate)) {
    impacts.push({
      kind: 'update',
      severity: 'info',
      message: 'job template changed: applies from the next scheduled run',
      fields: ['spec.jobTemplate'],
    });
  }
  return impacts;
}

function rolloutMessage(kind: string, spec: Spec): string {
  const strategy = ((kind === 'Deployment' ? spec.strategy : spec.updateStrategy) as { type?: string } | undefined)
    ?.type;
  if (strategy === 'Recreate')
    return 'pod template changed: every pod is stopped, then started again (Recreate strategy): expect downtime';
  if (strategy === 'OnDelete')
    return 'pod template changed: pods keep the old template until each is deleted (OnDelete strategy)';
  if (kind === 'StatefulSet')
    return 'pod template changed: rolling restart, one pod at a time from the highest ordinal';
  return 'pod template changed: pods are replaced by a rolling update';
}

function storageOf(o: Spec): string | undefined {
  const v = (o.resources as { requests?: Record<string, unknown> } | undefined)?.requests?.storage;
  return v === undefined ? undefined : String(v);
}

function storageImpacts(base: KubeObject, head: KubeObject): Impact[] {
  if (head.kind !== 'PersistentVolumeClaim') return [];
  const before = storageOf(specOf(base));
  const after = storageOf(specOf(head));
  if (before === after || !before || !after) return [];
  const grows = compareStorage(after, before) > 0;
  return grows
    ? [
        {
          kind: 'expand',
          severity: 'warning',
          message: `storage ${before} → ${after}: volume expansion (needs a StorageClass with allowVolumeExpansion: true; some drivers resize only when the pod restarts)`,
          fields: ['spec.resources.requests.storage'],
        },
      ]
    : [
        {
          kind: 'reject',
          severity: 'danger',
          message: `storage ${before} → ${after}: Kubernetes does not shrink a claim, so this update is rejected`,
          fields: ['spec.resources.requests.storage'],
        },
      ];
}

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

function compareStorage(a: string, b: string): number {
  const bytes = (q: string) => {
    const m = /^(\d+(?:\.\d+)?)([kMGTP]i?)?$/.exec(q.trim());
    return m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : NaN;
  };
  return Math.sign(bytes(a) - bytes(b));
}

function dataImpacts(base: KubeObject, head: KubeObject, secretKeys?: SecretKeyChanges): Impact[] {
  if (base.immutable === true) return [];
  if (head.kind === 'ConfigMap' && (!sameValue(base.data, head.data) || !sameValue(base.binaryData, head.binaryData))) {
    return [
      {
        kind: 'config',
        severity: 'info',
        message:
          'data changed: mounted files follow after the kubelet sync; values read at start-up (environment variables, subPath mounts) need a pod restart',
      },
    ];
  }
  if (
    head.kind === 'Secret' &&
    secretKeys &&
    (secretKeys.added.length || secretKeys.removed.length || secretKeys.changed.length)
  ) {
    return [
      {
        kind: 'secret',
        severity: 'warning',
        message: 'Secret data changed: pods see new values only after a restart, unless they mount them as files',
      },
    ];
  }
  return [];
}

function onlyMetadataChanged(base: KubeObject, head: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, labels: undefined, annotations: undefined } });
  return sameValue(JSON.parse(JSON.stringify(strip(base))), JSON.parse(JSON.stringify(strip(head))));
}
