// Typed Kubernetes objects. The per-kind types come from @kubernetes/client-node (type
// imports only: nothing here talks to a cluster); KubeObject is the common shape every
// generated or rendered object has.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { ExternalError } from './errors.ts';

export type {
  V1ConfigMap,
  V1Container,
  V1CronJob,
  V1Deployment,
  V1EnvVar,
  V1Namespace,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
  V1ResourceRequirements,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
  V1Volume,
  V1VolumeMount,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Job,
} from '@kubernetes/client-node';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Narrows a client-node typed object (whose metadata.name is optional) to a KubeObject, checking the name. */
export function obj<T extends { apiVersion?: string; kind?: string; metadata?: V1ObjectMeta }>(o: T): KubeObject {
  if (!o.apiVersion || !o.kind || !o.metadata?.name) {
    throw new ExternalError(
      `the API server returned an object without apiVersion, kind or metadata.name: ${JSON.stringify(o).slice(0, 120)}`,
    );
  }
  return o as unknown as KubeObject;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const meta = v.metadata as Record<string, unknown> | undefined;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' && !!meta && typeof meta.name === 'string';
}

export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

/** `kind/namespace/name` (or `kind/name` for cluster-scoped objects): how reports name an object. */
export function objectRef(o: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
  const kind = typeof o.kind === 'string' ? o.kind : '<no kind>';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>';
  const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '';
  return ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`;
}

/** group/kind/namespace/name: the identity used to match objects across renders. */
export function objectKey(o: KubeObject): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod spec inside a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod), with its JSON pointer. */
export function podSpecOf(o: KubeObject): { spec: Record<string, unknown>; pointer: string } | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod') return { spec, pointer: '/spec' };
  if (POD_TEMPLATE_KINDS.has(o.kind) && spec.template?.spec)
    return { spec: spec.template.spec, pointer: '/spec/template/spec' };
  if (o.kind === 'CronJob' && spec.jobTemplate?.spec?.template?.spec) {
    return { spec: spec.jobTemplate.spec.template.spec, pointer: '/spec/jobTemplate/spec/template/spec' };
  }
  return undefined;
}
