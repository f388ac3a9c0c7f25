// Who is at the other end of a kubeconfig context: a cluster's identity is the UID of its
// kube-system namespace, and the marker bootstrap leaves (kube-system/somastack-cluster) says
// which cluster of this repository it is and which hub manages it. Bootstrap and teardown
// both check these before they write or delete anything.
import type { ClusterConfig } from '../core/cluster-config.ts';
import { UserError } from '../core/errors.ts';
import type { KubeObject } from '../core/kube.ts';
import { ARGOCD_NAMESPACE, LABELS, MANAGED_BY, PART_OF } from '../core/names.ts';
import { MARKER } from '../core/topology.ts';
import type { KubeClient } from './kube.ts';

/** The workload whose presence says Argo CD runs in a cluster (both upstream installs have it). */
export const ARGOCD_CONTROLLER = 'argocd-application-controller';

export interface Marker {
  cluster: string;
  managedBy?: string;
}

export function readMarker(o: KubeObject | undefined): Marker | undefined {
  const data = o?.data as Record<string, string> | undefined;
  if (!data?.cluster) return undefined;
  return { cluster: data.cluster, ...(data.managedBy ? { managedBy: data.managedBy } : {}) };
}

export function buildMarker(m: Marker): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: MARKER.name,
      namespace: MARKER.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF },
      annotations: {
        'soma.sh/purpose': 'which cluster of the somastack repository this is; bootstrap refuses to act on a mismatch',
      },
    },
    data: { cluster: m.cluster, ...(m.managedBy ? { managedBy: m.managedBy } : {}) },
  };
}

export async function identityOf(client: KubeClient): Promise<string> {
  const ns = await client.get('v1', 'Namespace', 'kube-system');
  const uid = ns?.metadata.uid as string | undefined;
  if (!uid)
    throw new UserError(
      `the API server at ${client.server} has no kube-system namespace UID`,
      'is this a Kubernetes API server?',
    );
  return uid;
}

/** The hub context reaches the hub (its marker), bootstrapped (its Argo CD), and not the target itself. */
export async function checkHub(
  ctx: { hub: ClusterConfig; cluster: ClusterConfig; contexts: { target: string; argocd: string } },
  hubClient: KubeClient,
  targetUid: string,
): Promise<void> {
  const hub = ctx.hub;
  const hubUid = await identityOf(hubClient);
  if (hubUid === targetUid)
    throw new UserError(
      `contexts '${ctx.contexts.argocd}' (hub '${hub.name}') and '${ctx.contexts.target}' ('${ctx.cluster.name}') reach the same cluster (kube-system UID ${hubUid})`,
      `point ${ctx.cluster.source} context at '${ctx.cluster.name}' itself`,
    );
  const marker = readMarker(await hubClient.get('v1', 'ConfigMap', MARKER.name, MARKER.namespace));
  const controller = await hubClient.get('apps/v1', 'StatefulSet', ARGOCD_CONTROLLER, ARGOCD_NAMESPACE);
  if (!controller || !marker)
    throw new UserError(
      `hub '${hub.name}' is not bootstrapped: context '${ctx.contexts.argocd}' has ${controller ? 'no somastack marker' : 'no Argo CD'}`,
      `bootstrap the hub first: \`npm run bootstrap -- --cluster ${hub.name}\``,
    );
  if (marker.cluster !== hub.name)
    throw new UserError(
      `context '${ctx.contexts.argocd}' is cluster '${marker.cluster}', not hub '${hub.name}'`,
      `point ${hub.source} context (or --hub-context) at '${hub.name}'`,
    );
}
