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
import { clusterSecretName, MANAGER, MARKER, repoSecretName } from '../../core/topology.ts';
import { resolveEndpoints } from '../../adapters/cluster-endpoints.ts';
import type { KubeClient } from '../../adapters/kube.ts';
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
}

async function connectBoth(deps: Deps, o: RemoteTeardownOptions): Promise<Ends> {
  const e = resolveEndpoints(o.cluster, o.all, o);
  const target = (await deps.connectLive(e.target)).client;
  const argocd = e.argocd === e.target ? target : (await deps.connectLive(e.argocd)).client;
  return { target, argocd, contexts: { target: e.target, argocd: e.argocd } };
}

/** The marker (and identity.uid) must name this cluster: teardown never guesses. */
async function checkIdentity(o: RemoteTeardownOptions, ends: Ends): Promise<string> {
  const c = o.cluster;
  const ns = await ends.target.get('v1', 'Namespace', 'kube-system');
  const uid = String(ns?.metadata.uid ?? '');
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

/** A hub that still manages other clusters keeps its Argo CD. */
async function checkNoSpokes(o: RemoteTeardownOptions, ends: Ends): Promise<void> {
  if (o.cluster.argocd.managedBy) return;
  const apps = await ends.argocd.list(APP, 'Application', { namespace: ARGOCD_NAMESPACE }).catch(() => []);
  const others = [
    ...new Set(apps.map((a) => a.metadata.labels?.[LABELS.cluster]).filter((n) => n && n !== o.cluster.name)),
  ];
  if (others.length)
    throw new UserError(
      `'${o.cluster.name}' runs the Argo CD that still manages ${others.map((n) => `'${n}'`).join(', ')}`,
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

async function waitGone(deps: Deps, client: KubeClient, cluster: string, timeoutMs: number): Promise<void> {
  const start = deps.now();
  for (;;) {
    const left = (await client.list(APP, 'Application', { namespace: ARGOCD_NAMESPACE }).catch(() => [])).filter(
      (a) => a.metadata.labels?.[LABELS.cluster] === cluster,
    );
    if (!left.length) return;
    if (deps.now() - start >= timeoutMs)
      throw new UserError(
        `timed out waiting for Argo CD to delete ${left.map((a) => a.metadata.name).join(', ')} and what they deployed`,
        `look at why: \`kubectl --context ${client.context} -n ${ARGOCD_NAMESPACE} get applications\`; run teardown again to keep waiting`,
      );
    deps.io.stderr(
      `waiting for Argo CD to delete ${left.length} Application(s) of '${cluster}' and what they deployed\n`,
    );
    await deps.sleep(deps.pollMs);
  }
}

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

async function removeArgoCd(client: KubeClient, removed: string[]): Promise<void> {
  for (const kind of ['ClusterRoleBinding', 'ClusterRole'])
    for (const o of await client.list(RBAC, kind, { labelSelector: 'app.kubernetes.io/part-of=argocd' }))
      await remove(client, removed, RBAC, kind, o.metadata.name);
  await remove(client, removed, 'v1', 'Namespace', ARGOCD_NAMESPACE);
  for (const crd of ARGOCD_CRDS)
    await remove(client, removed, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd);
}

/** Returns the exit code: 0 removed (or nothing there), 1 not confirmed. */
export async function teardownRemote(deps: Deps, o: RemoteTeardownOptions): Promise<number> {
  const ends = await connectBoth(deps, o);
  const uid = await checkIdentity(o, ends);
  await checkNoSpokes(o, ends);
  if (!(await confirmed(deps, o, ends, uid))) {
    deps.io.stderr('Aborted: nothing was removed.\n');
    return 1;
  }
  const c = o.cluster;
  const removed: string[] = [];
  await remove(ends.argocd, removed, APP, 'Application', rootApplicationName(c), ARGOCD_NAMESPACE);
  await waitGone(deps, ends.argocd, c.name, o.timeoutMs);
  await remove(ends.argocd, removed, 'v1', 'Secret', repoSecretName(c), ARGOCD_NAMESPACE);
  if (c.argocd.managedBy) {
    await remove(ends.argocd, removed, 'v1', 'Secret', clusterSecretName(c), ARGOCD_NAMESPACE);
    await remove(ends.target, removed, RBAC, 'ClusterRoleBinding', MANAGER.binding);
    await remove(ends.target, removed, RBAC, 'ClusterRole', MANAGER.clusterRole);
    await remove(ends.target, removed, 'v1', 'Secret', MANAGER.tokenSecret, MANAGER.namespace);
    await remove(ends.target, removed, 'v1', 'ServiceAccount', MANAGER.serviceAccount, MANAGER.namespace);
  } else await removeArgoCd(ends.target, removed);
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
