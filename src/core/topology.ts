// Who runs the Argo CD of a cluster (docs/bootstrap.md, "Topologies"): a standalone cluster
// runs its own, which manages itself; a managed cluster is registered with the Argo CD of a
// hub, another cluster of this repository. Also which kubeconfig context reaches a cluster,
// and the checks that only make sense across cluster.yaml files. Pure.
import type { ClusterConfig } from './cluster-config.ts';
import type { Problem } from './errors.ts';
import { ARGOCD_NAMESPACE, IN_CLUSTER_SERVER } from './names.ts';

export type Topology = 'standalone' | 'managed';

/** The ConfigMap bootstrap leaves in every cluster: which cluster of this repository it is, and its hub. */
export const MARKER = { namespace: 'kube-system', name: 'somastack-cluster' } as const;

/** What hub registration creates in a managed cluster: the shape `argocd cluster add` creates. */
export const MANAGER = {
  namespace: 'kube-system',
  serviceAccount: 'argocd-manager',
  clusterRole: 'argocd-manager-role',
  binding: 'argocd-manager-role-binding',
  tokenSecret: 'argocd-manager-long-lived-token',
} as const;

/** The target's kube-system UID, on the hub's cluster Secret: no run acts on a different cluster under the same name. */
export const CLUSTER_UID_ANNOTATION = 'soma.sh/cluster-uid';

export const repoSecretName = (c: Pick<ClusterConfig, 'name'>) => `${c.name}-repository`;
export const clusterSecretName = (c: Pick<ClusterConfig, 'name'>) => `cluster-${c.name}`;

/**
 * What bootstrap (not git) creates for a cluster, by `Kind/namespace/name`: in the cluster
 * (the marker; for a managed one, the ServiceAccount Argo CD uses) and where its Argo CD
 * runs (the repository Secret; in a hub, the cluster Secret). `drift` does not call them orphans.
 */
export function bootstrapCreatedKeys(c: ClusterConfig): { target: string[]; argocd: string[] } {
  const target = [`ConfigMap/${MARKER.namespace}/${MARKER.name}`];
  const argocd = [`Secret/${ARGOCD_NAMESPACE}/${repoSecretName(c)}`];
  if (c.argocd.managedBy) {
    target.push(
      `ServiceAccount/${MANAGER.namespace}/${MANAGER.serviceAccount}`,
      `ClusterRole//${MANAGER.clusterRole}`,
      `ClusterRoleBinding//${MANAGER.binding}`,
      `Secret/${MANAGER.namespace}/${MANAGER.tokenSecret}`,
    );
    argocd.push(`Secret/${ARGOCD_NAMESPACE}/${clusterSecretName(c)}`);
  }
  return { target, argocd };
}

export const topologyOf = (c: Pick<ClusterConfig, 'argocd'>): Topology =>
  c.argocd.managedBy ? 'managed' : 'standalone';
export const isStandalone = (c: Pick<ClusterConfig, 'argocd'>) => !c.argocd.managedBy;

/** The cluster whose Argo CD holds this cluster's Applications: the hub, or the cluster itself. */
export const argocdHomeName = (c: Pick<ClusterConfig, 'name' | 'argocd'>) => c.argocd.managedBy ?? c.name;

/** Kind writes its context as kind-<name>. */
export const kindContextName = (kindName: string) => `kind-${kindName}`;

/** The kubeconfig context a cluster declares: Kind's own, or `context:` in cluster.yaml. */
export function declaredContext(c: Pick<ClusterConfig, 'kind' | 'context'>): string | undefined {
  return c.kind ? kindContextName(c.kind.name) : c.context;
}

/** An API server URL as compared: case and trailing slashes do not make another server. */
export const normalizeServer = (server: string) => server.replace(/\/+$/, '').toLowerCase();
export const isInCluster = (server: string) => normalizeServer(server) === IN_CLUSTER_SERVER;

/** Problems of one schema-valid cluster.yaml's topology fields. */
export function topologyProblems(file: string, c: Record<string, any>): Problem[] {
  const problems: Problem[] = [];
  const at = (path: string, message: string, hint: string) => problems.push({ file, path, message, hint });
  const hub: string | undefined = c.argocd?.managedBy;
  const inCluster = isInCluster(c.destination.server);
  if (hub === c.name)
    at(
      '/argocd/managedBy',
      'names the cluster itself',
      'remove managedBy: a cluster that runs its own Argo CD is standalone',
    );
  if (hub && c.kind)
    at(
      '/argocd/managedBy',
      'a Kind cluster runs its own Argo CD (no other cluster can reach it)',
      'remove managedBy from a Kind cluster',
    );
  if (hub && inCluster)
    at(
      '/destination/server',
      `is the in-cluster address, but '${hub}' manages this cluster: its Argo CD would deploy into itself`,
      "set server to this cluster's API URL as the hub reaches it (e.g. https://staging.example.com:6443)",
    );
  if (!hub && !inCluster)
    at(
      '/destination/server',
      'points at another API server, but this cluster is standalone (no argocd.managedBy): its own Argo CD deploys into itself',
      `set server: ${IN_CLUSTER_SERVER}, or add argocd.managedBy: <hub cluster> to have a hub manage it`,
    );
  if (c.kind && c.context !== undefined)
    at('/context', `is set on a Kind cluster, whose context is always kind-${c.kind.name}`, 'remove context');
  if (c.secrets?.provider === 'external' && c.kind)
    at(
      '/secrets/provider',
      "'external' on a Kind cluster: nothing provides Secrets there",
      'remove it: bootstrap creates the dev Secrets',
    );
  return problems;
}

/** Problems across clusters: every managedBy names a standalone cluster of this repository. */
export function hubProblems(clusters: readonly ClusterConfig[]): Problem[] {
  const byName = new Map(clusters.map((c) => [c.name, c]));
  const problems: Problem[] = [];
  for (const c of clusters) {
    const hub = c.argocd.managedBy;
    if (!hub) continue;
    const h = byName.get(hub);
    if (!h)
      problems.push({
        file: c.source,
        path: '/argocd/managedBy',
        message: `names '${hub}', which is not a cluster of this repository`,
        hint: `one of: ${[...byName.keys()].filter((n) => n !== c.name && isStandalone(byName.get(n)!)).join(', ') || '(none: add clusters/<hub>/cluster.yaml)'}`,
      });
    else if (!isStandalone(h))
      problems.push({
        file: c.source,
        path: '/argocd/managedBy',
        message: `names '${hub}', which is itself managed by '${h.argocd.managedBy}': a hub runs its own Argo CD`,
        hint: `set managedBy: ${h.argocd.managedBy}, or make '${hub}' standalone`,
      });
  }
  return problems;
}

/** The clusters a hub manages, in name order. */
export function spokesOf(hub: string, clusters: readonly ClusterConfig[]): ClusterConfig[] {
  return clusters.filter((c) => c.argocd.managedBy === hub);
}
