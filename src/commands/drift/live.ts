// Reading the live side of drift from the API server: one object at a time through a
// server-side apply dry-run, and the objects that may be orphans.
import type { LiveCluster } from '../../adapters/kube-live.ts';
import { KubeApiError } from '../../adapters/kube.ts';
import { bootstrapCreatedKeys, spokesOf } from '../../core/topology.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { CONTRACTS } from '../../core/contracts.ts';
import {
  type DesiredApp,
  type ObjectDrift,
  type OwnerPolicy,
  errorDrift,
  serverSideObjectDrift,
} from '../../core/drift/index.ts';
import type { KubeObject } from '../../core/kube.ts';
import { DRIFT_FIELD_MANAGER, LABELS, MANAGED_BY, NAMESPACE } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';

// What a person or a tool might leave behind in an owned namespace, besides the kinds git renders.
const ORPHAN_KINDS: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
];

/** One desired object against the cluster: missing, changed (per the dry-run), or in sync (undefined). */
export async function readObjectDrift(
  live: LiveCluster,
  app: string,
  desired: KubeObject,
  policy: OwnerPolicy,
): Promise<ObjectDrift | undefined> {
  const { apiVersion, kind, metadata } = desired;
  const base = { app, apiVersion, kind, namespace: metadata.namespace ?? '', name: metadata.name, changes: [] };
  try {
    const current = await live.get(apiVersion, kind, metadata.name, metadata.namespace);
    if (!current) return { ...base, state: 'missing' };
    const predicted = await live.applyDryRun(desired, DRIFT_FIELD_MANAGER);
    return serverSideObjectDrift(app, desired, predicted, current, DRIFT_FIELD_MANAGER, policy);
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    // The kind is not served at all (a CRD missing): the object cannot be there.
    if (e.failure === 'not-found') return { ...base, state: 'missing', message: e.message };
    // The server refuses git's object as an update (an immutable field changed): that is drift too.
    if (e.failure === 'invalid' || e.failure === 'conflict') return errorDrift(app, desired, e.message);
    throw e;
  }
}

/** Live objects that may be orphans: every listed kind in owned namespaces, our labelled objects elsewhere. */
export async function readOrphanCandidates(
  live: LiveCluster,
  apps: DesiredApp[],
  owned: Set<string>,
): Promise<KubeObject[]> {
  const desired = apps.flatMap((a) => a.objects);
  const kinds = new Map<string, [string, string]>(ORPHAN_KINDS.map(([v, k]) => [`${v}/${k}`, [v, k]]));
  for (const o of desired) kinds.set(`${o.apiVersion}/${o.kind}`, [o.apiVersion, o.kind]);
  const shared = new Set(
    desired
      .filter((o) => o.kind !== 'Namespace')
      .map((o) => o.metadata.namespace ?? '')
      .filter((ns) => !owned.has(ns)),
  );
  const out: KubeObject[] = [];
  const listOrSkip = async (apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string }) => {
    try {
      out.push(...(await live.list(apiVersion, kind, opts)));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.failure === 'not-found')) throw e; // a kind this cluster does not serve
    }
  };
  const ours = `${LABELS.managedBy}=${MANAGED_BY}`;
  await mapLimit([...kinds.values()], 4, async ([apiVersion, kind]) => {
    const namespaced = await live.client.isNamespaced(apiVersion, kind).catch(() => undefined);
    if (namespaced === undefined) return;
    if (!namespaced) return listOrSkip(apiVersion, kind, { labelSelector: ours });
    for (const ns of owned) await listOrSkip(apiVersion, kind, { namespace: ns });
    for (const ns of shared)
      if (desired.some((o) => o.kind === kind && o.metadata.namespace === ns))
        await listOrSkip(apiVersion, kind, { namespace: ns, labelSelector: ours });
  });
  return out;
}

/** Secrets the bootstrap or an operator provides on purpose, outside git (docs/contracts.md). */
export function providedSecrets(cluster: ClusterConfig): Set<string> {
  const names = Object.values(CONTRACTS).flatMap((c) =>
    c.secrets.filter((s) => !s.environments || s.environments.includes(cluster.environment)),
  );
  // The backup target's keys are provided by the platform team (cluster.yaml backup.credentialsSecret).
  const backup = cluster.backup && cluster.components.includes('postgres') ? [cluster.backup.credentialsSecret] : [];
  return new Set([...names.map((s) => s.name), ...backup].map((name) => `Secret/${NAMESPACE}/${name}`));
}

/** Everything bootstrap creates outside git for this cluster, on each side (provided, not orphans). */
export function bootstrapCreated(
  cluster: ClusterConfig,
  all: readonly ClusterConfig[],
): { target: Set<string>; argocd: Set<string> } {
  const keys = bootstrapCreatedKeys(cluster);
  // A hub also holds what bootstrap made there for the clusters it manages.
  const spokes = spokesOf(cluster.name, all).map((s) => bootstrapCreatedKeys(s).argocd);
  return {
    target: new Set([...providedSecrets(cluster), ...keys.target]),
    argocd: new Set([...keys.argocd, ...spokes.flat()]),
  };
}
