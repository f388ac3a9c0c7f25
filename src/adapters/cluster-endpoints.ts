// Which kubeconfig contexts a command uses for a cluster of this repository: the cluster's
// own (its objects) and the one whose Argo CD holds its Applications (the hub's for a
// managed cluster, the same context for a standalone one). Flags win over cluster.yaml.
import type { ClusterConfig } from '../core/cluster-config.ts';
import { UserError } from '../core/errors.ts';
import { declaredContext } from '../core/topology.ts';
import { loadClusters } from './inputs.ts';
import type { LiveCluster } from './kube-live.ts';

export interface Endpoints {
  cluster: ClusterConfig;
  /** The hub's cluster.yaml, for a managed cluster. */
  hub?: ClusterConfig;
  /** The context of the cluster the components run in. */
  target: string;
  /** The context of the Argo CD that owns the cluster's Applications. */
  argocd: string;
}

export interface ContextFlags {
  context?: string;
  hubContext?: string;
}

function contextFor(c: ClusterConfig, flag: string | undefined, flagName: string): string {
  const context = flag ?? declaredContext(c);
  if (!context)
    throw new UserError(
      `no kubeconfig context for cluster '${c.name}': ${c.source} sets none and ${flagName} was not given`,
      `add \`context: <name>\` to ${c.source} (\`kubectl config get-contexts\` lists them), or pass ${flagName} <name>`,
    );
  return context;
}

/** Resolves both contexts of `cluster`; `all` holds every cluster of the repository (for the hub). */
export function resolveEndpoints(
  cluster: ClusterConfig,
  all: readonly ClusterConfig[],
  flags: ContextFlags,
): Endpoints {
  const target = contextFor(cluster, flags.context, '--context');
  const hubName = cluster.argocd.managedBy;
  if (!hubName) {
    if (flags.hubContext && flags.hubContext !== target)
      throw new UserError(
        `--hub-context is for clusters managed from a hub, and '${cluster.name}' is standalone`,
        'drop --hub-context',
      );
    return { cluster, target, argocd: target };
  }
  const hub = all.find((c) => c.name === hubName);
  // validate's cross-cluster check makes this unreachable for a loaded repository.
  if (!hub)
    throw new UserError(
      `cluster '${cluster.name}' names hub '${hubName}', which has no cluster.yaml`,
      `add clusters/${hubName}/cluster.yaml`,
    );
  const argocd = contextFor(hub, flags.hubContext, '--hub-context');
  if (argocd === target)
    throw new UserError(
      `cluster '${cluster.name}' and its hub '${hub.name}' resolve to the same context '${target}'`,
      `a hub manages other clusters: point ${cluster.source} context (or --context) at '${cluster.name}' itself`,
    );
  return { cluster, hub, target, argocd };
}

/** The two live ends of a cluster: where its objects are, and where its Applications are. */
export interface LiveEnds {
  cluster: ClusterConfig;
  all: ClusterConfig[];
  target: LiveCluster;
  /** The same object as `target` for a standalone cluster. */
  argocd: LiveCluster;
}

/** Connects to the cluster itself only (what `smoke` needs): see connectEnds for how the context is chosen. */
export async function connectTarget(
  root: string,
  connect: (context?: string) => Promise<LiveCluster>,
  flags: ContextFlags & { cluster?: string },
): Promise<Omit<LiveEnds, 'argocd'>> {
  const all = await loadClusters(root);
  if (flags.cluster) {
    const cluster = all.find((c) => c.name === flags.cluster);
    if (!cluster)
      throw new UserError(`unknown cluster '${flags.cluster}'`, `one of: ${all.map((c) => c.name).join(', ')}`);
    return { cluster, all, target: await connect(flags.context ?? declaredContext(cluster)) };
  }
  const target = await connect(flags.context);
  return { cluster: clusterOfContext(all, target.context), all, target };
}

/** The cluster that declares this context (Kind's kind-<name>, or `context:`), else the only one there is. */
function clusterOfContext(all: readonly ClusterConfig[], context: string): ClusterConfig {
  const byContext = all.find((c) => declaredContext(c) === context);
  if (byContext) return byContext;
  if (all.length === 1) return all[0]!;
  throw new UserError(
    `cannot tell which cluster under clusters/ context '${context}' is`,
    `pass --cluster <name> (one of: ${all.map((c) => c.name).join(', ')})`,
  );
}

/**
 * Connects to a cluster's two ends. With --cluster, its contexts come from flags or
 * cluster.yaml (a cluster that declares none uses the current context); without, the
 * current (or --context) context picks the cluster, and a managed one's hub is reached
 * through its declared context.
 */
export async function connectEnds(
  root: string,
  connect: (context?: string) => Promise<LiveCluster>,
  flags: ContextFlags & { cluster?: string },
): Promise<LiveEnds> {
  const { cluster, all, target } = await connectTarget(root, connect, flags);
  if (!cluster.argocd.managedBy) return { cluster, all, target, argocd: target };
  const e = resolveEndpoints(cluster, all, { context: target.context, hubContext: flags.hubContext });
  return { cluster, all, target, argocd: await connect(e.argocd) };
}
