// Step 3 for a cluster managed from a hub: register it with the hub's Argo CD the way
// `argocd cluster add` does, declaratively. In the target: ServiceAccount
// kube-system/argocd-manager, ClusterRole argocd-manager-role (all verbs on all resources and
// non-resource URLs, as argocd cluster add grants), its ClusterRoleBinding and a token Secret
// the token controller fills. In the hub: a cluster Secret (label
// argocd.argoproj.io/secret-type=cluster) with the destination URL, that token and the
// cluster's CA. The token travels from one API server to the other in memory only: it is
// never printed, logged or written to a file, and `--dry-run`/`--json` show names only.
// Revoking it is deleting the ServiceAccount (teardown does).
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { UserError } from '../../core/errors.ts';
import type { KubeObject } from '../../core/kube.ts';
import { ARGOCD_NAMESPACE, LABELS, MANAGED_BY, PART_OF } from '../../core/names.ts';
import { CLUSTER_UID_ANNOTATION, clusterSecretName, MANAGER, normalizeServer } from '../../core/topology.ts';
import type { KubeClient } from '../../adapters/kube.ts';
import { pollUntil } from './poll.ts';
import { REPO_SECRET_LABEL } from './repository.ts';
import type { BootstrapContext, Step } from './types.ts';

export { clusterSecretName, MANAGER } from '../../core/topology.ts';

const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF };

/** What bootstrap creates in the managed cluster. Pure. */
export function managerObjects(): KubeObject[] {
  const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: MANAGER.namespace } : {}), labels });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(MANAGER.serviceAccount) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(MANAGER.clusterRole, false),
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(MANAGER.binding, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: MANAGER.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: MANAGER.serviceAccount, namespace: MANAGER.namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { ...meta(MANAGER.tokenSecret), annotations: { 'kubernetes.io/service-account.name': MANAGER.serviceAccount } },
    },
  ];
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * The hub's cluster Secret. `token` is the ServiceAccount token; `caData` the base64 PEM
 * bundle exactly as the token Secret holds it (Argo CD's tlsClientConfig.caData form). Pure.
 */
export function buildClusterSecret(c: ClusterConfig, uid: string, token: string, caData: string): KubeObject {
  const config = { bearerToken: token, tlsClientConfig: { insecure: false, caData } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: clusterSecretName(c),
      namespace: ARGOCD_NAMESPACE,
      labels: { ...labels, [REPO_SECRET_LABEL]: 'cluster', [LABELS.cluster]: c.name },
      annotations: { [CLUSTER_UID_ANNOTATION]: uid },
    },
    data: { name: b64(c.name), server: b64(c.destination.server), config: b64(JSON.stringify(config)) },
  };
}

async function readToken(ctx: BootstrapContext, client: KubeClient): Promise<{ token: string; caData: string }> {
  let found: { token: string; caData: string } | undefined;
  await pollUntil(ctx, {
    what: `the token controller to fill Secret ${MANAGER.namespace}/${MANAGER.tokenSecret}`,
    timeoutMs: ctx.options.timeoutMs,
    check: async () => {
      const s = await client.get('v1', 'Secret', MANAGER.tokenSecret, MANAGER.namespace);
      const data = (s?.data ?? {}) as Record<string, string>;
      if (data.token && data['ca.crt']) found = { token: Buffer.from(data.token, 'base64').toString('utf8'), caData: data['ca.crt'] };
      return { done: Boolean(found), pending: found ? [] : ['no token yet'] };
    },
    hint: `kubectl --context ${ctx.contexts.target} -n ${MANAGER.namespace} describe secret ${MANAGER.tokenSecret}`,
  });
  return found!;
}

/**
 * The CA the hub should trust for destination.server. As `argocd cluster add` does, the one
 * this machine's context trusts when it talks to that very server (a load balancer in front
 * of the API may present a certificate from another CA than the cluster's own); otherwise
 * the cluster's root CA from the ServiceAccount token Secret.
 */
export function hubTrust(destination: string, target: Pick<KubeClient, 'server' | 'certificateAuthority'>, tokenCa: string): string {
  const same = normalizeServer(target.server) === normalizeServer(destination);
  return (same && target.certificateAuthority()) || tokenCa;
}

/** A hub Secret for this name that belongs to another cluster is never overwritten. */
function checkExisting(ctx: BootstrapContext, existing: KubeObject | undefined, uid: string): void {
  const recorded = existing?.metadata.annotations?.[CLUSTER_UID_ANNOTATION];
  if (existing && recorded !== uid)
    throw new UserError(
      `hub '${ctx.hub!.name}' already has Secret ${ARGOCD_NAMESPACE}/${existing.metadata.name} for a cluster ${recorded ? `with kube-system UID ${recorded}` : 'bootstrap did not register'}, and context '${ctx.contexts.target}' is UID ${uid}`,
      `if '${ctx.cluster.name}' was rebuilt, remove the old registration first (\`npm run teardown -- --cluster ${ctx.cluster.name}\` or delete that Secret in the hub)`,
    );
}

export const registerStep: Step = {
  name: 'register',
  title: 'Hub registration',
  async run(ctx) {
    const target = ctx.client!;
    const hub = ctx.argocdClient!;
    const uid = ctx.identity!.uid;
    const secretName = clusterSecretName(ctx.cluster);
    checkExisting(ctx, await hub.get('v1', 'Secret', secretName, ARGOCD_NAMESPACE), uid);
    const changes: string[] = [];
    for (const o of managerObjects()) {
      const { outcome } = await target.apply(o);
      if (outcome !== 'unchanged') changes.push(`${outcome} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} in '${ctx.cluster.name}'`);
    }
    const { token, caData } = await readToken(ctx, target);
    const { outcome } = await hub.apply(buildClusterSecret(ctx.cluster, uid, token, hubTrust(ctx.cluster.destination.server, target, caData)));
    if (outcome !== 'unchanged') changes.push(`${outcome} Secret ${ARGOCD_NAMESPACE}/${secretName} in hub '${ctx.hub!.name}' (values not shown)`);
    return {
      changed: changes.length > 0,
      summary: `${changes.length ? 'registered' : 'already registered'} '${ctx.cluster.name}' (${ctx.cluster.destination.server}) with hub '${ctx.hub!.name}' as ServiceAccount ${MANAGER.namespace}/${MANAGER.serviceAccount}`,
      details: changes,
    };
  },
};
