// A cluster that is not Kind is reached through kubeconfig contexts, and the accident that
// matters is acting on the wrong one. Before anything is written, this reads who is at the
// other end: the API server answers, the kube-system namespace UID (the cluster's identity),
// and the marker bootstrap leaves there (kube-system/somastack-cluster: which cluster of
// this repository it is and which hub manages it). Every mismatch stops the run. The Kind
// path does not come here: its context guard (adapters/kubeconfig.ts) does this job.
import { UserError } from '../../core/errors.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import { isInCluster, MARKER, normalizeServer } from '../../core/topology.ts';
import {
  ARGOCD_CONTROLLER,
  buildMarker,
  checkHub,
  identityOf,
  readMarker,
  type Marker,
} from '../../adapters/cluster-identity.ts';
import { KubeApiError, type KubeClient } from '../../adapters/kube.ts';
import type { BootstrapContext, Step } from './types.ts';

export { MARKER } from '../../core/topology.ts';


/** Connects to a context and checks that the API server answers, with the fix for each failure. */
async function connect(ctx: BootstrapContext, context: string, role: string): Promise<KubeClient> {
  const client = (await ctx.deps.connectLive(context)).client;
  ctx.progress.update(`asking ${role} at ${client.server} (context ${context})`);
  try {
    await client.raw('/readyz');
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    if (e.failure === 'unauthorized')
      throw new UserError(
        `the credentials of context '${context}' (${role}) were refused: ${e.message}`,
        `they have probably expired: refresh them the way your provider does (e.g. \`aws eks update-kubeconfig\`, \`gcloud container clusters get-credentials\`, \`az aks get-credentials\`), then run bootstrap again`,
      );
    if (e.failure === 'unreachable')
      throw new UserError(
        `cannot reach ${role} at ${client.server} through context '${context}': ${e.message}`,
        'check the network path (VPN, bastion, firewall) and that the context points at the right server: `kubectl --context ' + context + ' cluster-info`',
      );
    throw e;
  }
  return client;
}

/** The target's identity against cluster.yaml and the marker. Throws on any mismatch. */
function checkTarget(ctx: BootstrapContext, server: string, uid: string, marker: Marker | undefined): void {
  const c = ctx.cluster;
  const where = `context '${ctx.contexts.target}' (${server}, kube-system UID ${uid})`;
  if (c.identity && c.identity.uid !== uid)
    throw new UserError(
      `${where} is not cluster '${c.name}': ${c.source} records identity.uid ${c.identity.uid}`,
      `point the context at '${c.name}' (--context or context: in ${c.source}); if the cluster was rebuilt on purpose, update identity.uid`,
    );
  if (marker && marker.cluster !== c.name)
    throw new UserError(
      `${where} was bootstrapped as cluster '${marker.cluster}', not '${c.name}'`,
      `use the context of '${c.name}'; if '${marker.cluster}' is gone for good, delete ConfigMap ${MARKER.namespace}/${MARKER.name} there first`,
    );
  const hub = c.argocd.managedBy;
  if (marker && hub && marker.managedBy && marker.managedBy !== hub)
    throw new UserError(
      `cluster '${c.name}' is already managed by hub '${marker.managedBy}' (${where}); a cluster has one hub`,
      `unregister it from '${marker.managedBy}' first (\`npm run teardown -- --cluster ${c.name}\` from the repository that manages it), or set argocd.managedBy: ${marker.managedBy}`,
    );
  // A hub reaches a managed cluster at destination.server: this machine must be talking to that server.
  if (hub && !isInCluster(c.destination.server) && normalizeServer(server) !== normalizeServer(c.destination.server) && !c.identity)
    throw new UserError(
      `context '${ctx.contexts.target}' talks to ${server}, but ${c.source} says '${c.name}' is at ${c.destination.server}`,
      `use a context whose server is ${c.destination.server}; if this machine reaches the same cluster through another address, record its identity in ${c.source} (identity.uid: ${uid}) once you are sure it is '${c.name}'`,
    );
}

/**
 * One Argo CD per cluster: a cluster that runs its own is not registered with a hub too, and
 * a cluster a hub still manages does not get its own — the two would fight over every object.
 */
async function checkTopologyChange(ctx: BootstrapContext, client: KubeClient, marker: Marker | undefined): Promise<void> {
  const c = ctx.cluster;
  const teardown = `tear the old setup down first (\`npm run teardown -- --cluster ${c.name}\` with the cluster.yaml it was bootstrapped with)`;
  if (!c.argocd.managedBy && marker?.managedBy)
    throw new UserError(
      `'${c.name}' is declared standalone, but hub '${marker.managedBy}' still manages it (${MARKER.namespace}/${MARKER.name})`,
      teardown,
    );
  if (c.argocd.managedBy && (await client.get('apps/v1', 'StatefulSet', ARGOCD_CONTROLLER, ARGOCD_NAMESPACE)))
    throw new UserError(
      `'${c.name}' runs its own Argo CD (context '${ctx.contexts.target}'), so hub '${c.argocd.managedBy}' cannot manage it too`,
      teardown,
    );
}

/** Connects to the cluster (and its hub), checks who they are, and stores the clients in ctx. Reads only. */
export async function connectTargets(ctx: BootstrapContext): Promise<{ uid: string; server: string; marker?: Marker }> {
  const client = await connect(ctx, ctx.contexts.target, `cluster '${ctx.cluster.name}'`);
  const uid = await identityOf(client);
  const marker = readMarker(await client.get('v1', 'ConfigMap', MARKER.name, MARKER.namespace));
  checkTarget(ctx, client.server, uid, marker);
  await checkTopologyChange(ctx, client, marker);
  ctx.client = client;
  ctx.identity = { uid, server: client.server };
  if (!ctx.hub) {
    ctx.argocdClient = client;
    return { uid, server: client.server, marker };
  }
  const hubClient = await connect(ctx, ctx.contexts.argocd, `hub '${ctx.hub.name}'`);
  await checkHub({ ...ctx, hub: ctx.hub }, hubClient, uid);
  ctx.argocdClient = hubClient;
  return { uid, server: client.server, marker };
}

/** Leaves (or confirms) the marker that later runs and teardown check. */
export async function recordMarker(ctx: BootstrapContext, client: KubeClient): Promise<boolean> {
  const desired = buildMarker({ cluster: ctx.cluster.name, managedBy: ctx.cluster.argocd.managedBy });
  const { outcome } = await client.apply(desired);
  return outcome !== 'unchanged';
}

/** Step 2 for a cluster that is not Kind: it exists already; preflight checked who it is. */
export const remoteClusterStep: Step = {
  name: 'cluster',
  title: 'Cluster',
  async run(ctx) {
    const client = ctx.client!;
    const changed = await recordMarker(ctx, client);
    const id = ctx.identity!;
    const hub = ctx.hub ? `; managed from hub '${ctx.hub.name}' (context ${ctx.contexts.argocd})` : '; standalone';
    return {
      changed,
      summary: `'${ctx.cluster.name}' is context ${ctx.contexts.target} (${id.server}, kube-system UID ${id.uid})${hub}`,
      details: changed ? [`recorded ConfigMap ${MARKER.namespace}/${MARKER.name}: this is '${ctx.cluster.name}'`] : [],
    };
  },
};
