// Checks across clusters, which no single cluster.yaml can fail on its own: two clusters that
// would deploy into the same place, and two local Kind clusters that would collide on this
// machine (one name, or one host port).
import type { ClusterConfig } from './cluster-config.ts';
import type { Problem } from './errors.ts';
import { NAMESPACE } from './names.ts';
import { hubProblems, isInCluster, normalizeServer } from './topology.ts';

/** The first cluster (in name order) that already claimed `key`, else records `c` as its owner. */
function claim(owners: Map<string, ClusterConfig>, key: string, c: ClusterConfig): ClusterConfig | undefined {
  const first = owners.get(key);
  if (!first) owners.set(key, c);
  return first;
}

function sameDestination(clusters: readonly ClusterConfig[]): Problem[] {
  const owners = new Map<string, ClusterConfig>();
  const problems: Problem[] = [];
  for (const c of clusters) {
    // "The cluster Argo CD runs in" is a different cluster for every Argo CD.
    if (isInCluster(c.destination.server)) continue;
    const first = claim(owners, normalizeServer(c.destination.server), c);
    if (first) {
      problems.push({
        file: c.source,
        path: '/destination/server',
        message: `is ${c.destination.server}, the API server ${first.source} deploys to: both would own namespace ${NAMESPACE} there and overwrite each other`,
        hint: 'point each cluster.yaml at its own API server, or merge the two clusters into one',
      });
    }
  }
  return problems;
}

function kindCollisions(clusters: readonly ClusterConfig[]): Problem[] {
  const names = new Map<string, ClusterConfig>();
  const ports = new Map<string, ClusterConfig>();
  const problems: Problem[] = [];
  for (const c of clusters) {
    if (!c.kind) continue;
    const first = claim(names, c.kind.name, c);
    if (first)
      problems.push({
        file: c.source,
        path: '/kind/name',
        message: `'${c.kind.name}' is also the Kind cluster of ${first.source}: bootstrapping one would take over the other`,
        hint: 'give each Kind cluster its own kind.name',
      });
    for (const [ui, p] of Object.entries(c.kind.hostPorts)) {
      const owner = claim(ports, String(p), c);
      if (owner && owner !== c)
        problems.push({
          file: c.source,
          path: `/kind/hostPorts/${ui}`,
          message: `host port ${p} is also published by ${owner.source}: the second cluster cannot start while the first runs`,
          hint: 'choose a free port under kind.hostPorts',
        });
    }
  }
  return problems;
}

/** Every cross-cluster problem, against the later cluster of each pair (clusters in name order). */
export function clusterSetProblems(clusters: readonly ClusterConfig[]): Problem[] {
  return [...sameDestination(clusters), ...kindCollisions(clusters), ...hubProblems(clusters)];
}
