// Teardown of a cluster that is not Kind: remove what bootstrap put there, never the cluster.
// In order: the root Application (Argo CD's foreground cascade removes every component
// Application and what each deployed), the repository Secret, then the registration (the
// hub's cluster Secret, the argocd-manager ServiceAccount and its rights) or, standalone,
// Argo CD itself; the marker last. It acts only on a cluster whose marker names it, only
// after a confirmation that names the context, and refuses a hub that still manages others.
import { rootApplicationName } from '../../core/argocd.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { UserError } from '../../core/errors.ts';
import { ARGOCD_NAMESPACE, LABELS } from '../../core/names.ts';
import { CLUSTER_UID_ANNOTATION, clusterSecretName, MANAGER, MARKER, repoSecretName } from '../../core/topology.ts';
import { resolveEndpoints } from '../../adapters/cluster-endpoints.ts';
import { checkHub, identityOf } from '../../adapters/cluster-identity.ts';
import { KubeApiError, type KubeClient } from '../../adapters/kube.ts';
import type { KubeObject } from '../../core/kube.ts';
import type { Deps } from '../../cli/deps.ts';

const APP = 'argoproj.io/v1alpha1';
/** What the upstream install puts outside the argocd namespace (its resources carry part-of=argocd). */
const ARGOCD_CRDS = ['applications.argoproj.io', 'applicationsets.argoproj.io', 'appprojects.argoproj.io'];
const RBAC = 'rbac.authorization.k8s.io/v1';

export interface RemoteTeardownOptions {
  cluster: ClusterConfig;
  all: ClusterConfig[];
  context?: string;
  hubContext?: string;
  yes: boolean;
  confirm?: string;
  timeoutMs: number;
  json: boolean;
}

interface Ends {
  target: KubeClient;
  argocd: KubeClient;
  contexts: { target: string; argocd: string };
  hub?: ClusterConfig;
}

async function connectBoth(deps: Deps, o: RemoteTeardownOptions): Promise<Ends> {
  const e = resolveEndpoints(o.cluster, o.all, o);
  const target = (await deps.connectLive(e.target)).client;
  const argocd = e.argocd === e.target ? target : (await deps.connectLive(e.argocd)).client;
  return { target, argocd, contexts: { target: e.target, argocd: e.argocd }, hub: e.hub };
}

/** A list that may be empty because the kind is not served; any other failure is not "nothing there". */
async function listServed(
  client: KubeClient,
  apiVersion: string,
  kind: string,
  opts: { namespace?: string; labelSelector?: string } = {},
): Promise<KubeObject[]> {
  try {
    return await client.list(apiVersion, kind, opts);
  } catch (e) {
    if (e instanceof KubeApiError && e.failure === 'not-found') return [];
    throw e;
  }
}

/** The marker (and identity.uid) must name this cluster, and the hub context the hub: teardown never guesses. */
async function checkIdentity(o: RemoteTeardownOptions, ends: Ends): Promise<string> {
  const c = o.cluster;
  const uid = await identityOf(ends.target);
  if (ends.hub) await checkHub({ hub: ends.hub, cluster: c, contexts: ends.contexts }, ends.argocd, uid);
  const registered = await ends.argocd.get('v1', 'Secret', clusterSecretName(c), ARGOCD_NAMESPACE);
  const recorded = registered?.metadata.annotations?.[CLUSTER_UID_ANNOTATION];
  if (registered && recorded !== uid)
    throw new UserError(
      `hub Secret ${ARGOCD_NAMESPACE}/${clusterSecretName(c)} registers a cluster with kube-system UID ${recorded ?? '(none)'}, and context '${ends.contexts.target}' is UID ${uid}`,
      'point --context at the cluster that hub registration is for; teardown removes only its own',
    );
  if (c.identity && c.identity.uid !== uid)
    throw new UserError(
      `context '${ends.contexts.target}' (kube-system UID ${uid}) is not cluster '${c.name}' (identity.uid ${c.identity.uid})`,
      'point --context at the cluster you mean',
    );
  const marker = (await ends.target.get('v1', 'ConfigMap', MARKER.name, MARKER.namespace))?.data as
    Record<string, string> | undefined;
  if (marker?.cluster !== c.name)
    throw new UserError(
      marker?.cluster
        ? `context '${ends.contexts.target}' is cluster '${marker.cluster}', not '${c.name}'`
        : `context '${ends.contexts.target}' (${ends.target.server}) holds no trace of a somastack bootstrap of '${c.name}' (ConfigMap ${MARKER.namespace}/${MARKER.name})`,
      'point --context at the cluster you mean; teardown removes only what bootstrap put into it',
    );
  return uid;
}

/** A hub that still manages other clusters (their Applications, or only their registration) keeps its Argo CD. */
export async function checkNoSpokes(cluster: ClusterConfig, argocd: KubeClient): Promise<void> {
  if (cluster.argocd.managedBy) return;
  const apps = await listServed(argocd, APP, 'Application', { namespace: ARGOCD_NAMESPACE });
  const registrations = await listServed(argocd, 'v1', 'Secret', {
    namespace: ARGOCD_NAMESPACE,
    labelSelector: 'argocd.argoproj.io/secret-type=cluster',
  });
  const names = [...apps, ...registrations].map((o) => o.metadata.labels?.[LABELS.cluster] ?? o.metadata.name);
  const others = [...new Set(names.filter((n) => n !== cluster.name))];
  if (others.length)
    throw new UserError(
      `'${cluster.name}' runs the Argo CD that still manages ${others.map((n) => `'${n}'`).join(', ')}`,
      `tear those down first (\`npm run teardown -- --cluster ${others[0]}\`)`,
    );
}

async function confirmed(deps: Deps, o: RemoteTeardownOptions, ends: Ends, uid: string): Promise<boolean> {
  const what = `everything bootstrap put into cluster '${o.cluster.name}' (context ${ends.contexts.target}, ${ends.target.server}, kube-system UID ${uid})`;
  if (o.confirm !== undefined) {
    if (o.confirm !== ends.contexts.target)
      throw new UserError(
        `--confirm '${o.confirm}' does not name the context '${ends.contexts.target}' teardown would act on`,
        `pass --confirm ${ends.contexts.target}`,
      );
    return true;
  }
  const { io } = deps;
  if (!io.interactive || !io.confirm)
    throw new UserError(
      `refusing to remove ${what} without a confirmation that names the context${o.yes ? ' (--yes is not enough for a cluster that is not Kind)' : ''}`,
      `pass --confirm ${ends.contexts.target}, or run it in a terminal to be asked`,
    );
  const hub = o.cluster.argocd.managedBy
    ? ` and its registration with hub '${o.cluster.argocd.managedBy}' (context ${ends.contexts.argocd})`
    : ', and Argo CD';
  return io.confirm(`Remove ${what}: its Applications and all they deployed${hub}? The cluster itself is kept.`);
}

/** Polls until `left()` is empty; on timeout an error naming what is still there. */
async function waitFor(
  deps: Deps,
  what: string,
  left: () => Promise<string[]>,
  timeoutMs: number,
  hint: string,
): Promise<void> {
  const start = deps.now();
  for (;;) {
    const remaining = await left();
    if (!remaining.length) return;
    if (deps.now() - start >= timeoutMs)
      throw new UserError(
        `timed out waiting for ${what}; still there: ${remaining.join(', ')}`,
        `${hint}; run teardown again to keep waiting`,
      );
    deps.io.stderr(`waiting for ${what}: ${remaining.length} left\n`);
    await deps.sleep(deps.pollMs);
  }
}

const appsOf = async (client: KubeClient, cluster: string) =>
  (await listServed(client, APP, 'Application', { namespace: ARGOCD_NAMESPACE }))
    .filter((a) => a.metadata.labels?.[LABELS.cluster] === cluster)
    .map((a) => `Application ${a.metadata.name}`);

/** Deletes and records what was there. */
async function remove(
  client: KubeClient,
  removed: string[],
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): Promise<void> {
  if (await client.delete(apiVersion, kind, name, namespace, { propagationPolicy: 'Foreground' }))
    removed.push(`${kind} ${namespace ? `${namespace}/` : ''}${name} (${client.context})`);
}

/**
 * Argo CD itself, once nothing it must finalize is left: an Application or ApplicationSet
 * anywhere would keep its finalizer forever once the controller is gone, and with it the
 * namespace and the CRDs. The namespace goes first (while the controller's rights still
 * exist), then the CRDs, then the cluster-wide rights; each wait ends only when it is gone.
 */
async function removeArgoCd(deps: Deps, client: KubeClient, removed: string[], timeoutMs: number): Promise<void> {
  const pending = [
    ...(await listServed(client, APP, 'Application')),
    ...(await listServed(client, APP, 'ApplicationSet')),
  ];
  if (pending.length)
    throw new UserError(
      `Argo CD still holds ${pending.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).join(', ')}, which bootstrap did not create`,
      'delete them (or let their owners do it) first: removing Argo CD now would leave them unfinalized forever',
    );
  await remove(client, removed, 'v1', 'Namespace', ARGOCD_NAMESPACE);
  const nsLeft = async () => ((await client.get('v1', 'Namespace', ARGOCD_NAMESPACE)) ? [ARGOCD_NAMESPACE] : []);
  const nsHint = `\`kubectl --context ${client.context} get namespace ${ARGOCD_NAMESPACE} -o yaml\` shows what holds it`;
  await waitFor(deps, `namespace ${ARGOCD_NAMESPACE} to be deleted`, nsLeft, timeoutMs, nsHint);
  const CRD = 'apiextensions.k8s.io/v1';
  for (const crd of ARGOCD_CRDS) await remove(client, removed, CRD, 'CustomResourceDefinition', crd);
  const crdsLeft = async () => {
    const left: string[] = [];
    for (const crd of ARGOCD_CRDS) if (await client.get(CRD, 'CustomResourceDefinition', crd)) left.push(crd);
    return left;
  };
  await waitFor(
    deps,
    "Argo CD's CRDs to be deleted",
    crdsLeft,
    timeoutMs,
    `\`kubectl --context ${client.context} get crd\``,
  );
  for (const kind of ['ClusterRoleBinding', 'ClusterRole'])
    for (const o of await client.list(RBAC, kind, { labelSelector: 'app.kubernetes.io/part-of=argocd' }))
      await remove(client, removed, RBAC, kind, o.metadata.name);
}

/** Returns the exit code: 0 removed (or nothing there), 1 not confirmed. */
export async function teardownRemote(deps: Deps, o: RemoteTeardownOptions): Promise<number> {
  const ends = await connectBoth(deps, o);
  const uid = await checkIdentity(o, ends);
  await checkNoSpokes(o.cluster, ends.argocd);
  if (!(await confirmed(deps, o, ends, uid))) {
    deps.io.stderr('Aborted: nothing was removed.\n');
    return 1;
  }
  const c = o.cluster;
  const removed: string[] = [];
  await remove(ends.argocd, removed, APP, 'Application', rootApplicationName(c), ARGOCD_NAMESPACE);
  await waitFor(
    deps,
    `Argo CD to delete the Applications of '${c.name}' and what they deployed`,
    () => appsOf(ends.argocd, c.name),
    o.timeoutMs,
    `\`kubectl --context ${ends.argocd.context} -n ${ARGOCD_NAMESPACE} get applications\``,
  );
  await remove(ends.argocd, removed, 'v1', 'Secret', repoSecretName(c), ARGOCD_NAMESPACE);
  if (c.argocd.managedBy) {
    await remove(ends.argocd, removed, 'v1', 'Secret', clusterSecretName(c), ARGOCD_NAMESPACE);
    await remove(ends.target, removed, RBAC, 'ClusterRoleBinding', MANAGER.binding);
    await remove(ends.target, removed, RBAC, 'ClusterRole', MANAGER.clusterRole);
    await remove(ends.target, removed, 'v1', 'Secret', MANAGER.tokenSecret, MANAGER.namespace);
    await remove(ends.target, removed, 'v1', 'ServiceAccount', MANAGER.serviceAccount, MANAGER.namespace);
  } else await removeArgoCd(deps, ends.target, removed, o.timeoutMs);
  await remove(ends.target, removed, 'v1', 'ConfigMap', MARKER.name, MARKER.namespace);
  const result = {
    cluster: c.name,
    context: ends.contexts.target,
    ...(c.argocd.managedBy ? { hub: c.argocd.managedBy, hubContext: ends.contexts.argocd } : {}),
    removed,
    clusterKept: true,
  };
  deps.io.stdout(
    o.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `Removed what bootstrap put into '${c.name}' (context ${ends.contexts.target}); the cluster itself is kept.\n${removed.map((r) => `  - ${r}`).join('\n')}\n`,
  );
  return 0;
}
