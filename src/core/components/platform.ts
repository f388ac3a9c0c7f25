// The platform: the soma-infra Namespace (Pod Security `restricted`) and the
// NetworkPolicies that make it default-deny (docs/contracts.md, Network access).
//
// Every allowed flow is derived from the component specs (their service ports and
// dependencies) and CLUSTER_DNS by listNetworkFlows(), and the
// NetworkPolicy objects are built from that list, so the policies, the docs' flow table
// and the component modules cannot disagree. The model:
//   - deny all ingress and egress in the namespace;
//   - every pod may resolve names (cluster DNS) and open connections to any pod of the
//     namespace; the per-component ingress policies are what restrict who may connect;
//   - each component accepts, on its own pods: consumers (pods in namespaces labelled
//     soma.sh/allow-shared-infra=true) on its contract and extra client ports,
//     Prometheus on its metrics port, its own pods on its client and peer ports
//     (replication, quorum, exporters, jobs), the components that depend on it, and the
//     controller of the operator that runs its pods (CloudNativePG: status port 8000);
//   - a component whose pods must leave the namespace (Postgres: the API server, the
//     backup object store) gets an egress policy for those ports only.
// `kubectl port-forward` needs no rule: the kubelet dials the port on the pod's own
// loopback interface, which NetworkPolicies do not filter.
import { obj, type KubeObject } from '../kube.ts';
import { ANNOTATIONS, LABELS, NAMESPACE, type Environment } from '../names.ts';
import { KUBERNETES_VERSION } from '../versions.ts';
import type { BuildContext, ComponentSpec } from './spec.ts';
import { listNetworkFlows, peerSelector, POLICY_NAMES, type NetworkFlow } from './network-flows.ts';
import { componentLabels, meta } from './workload.ts';
import { networkPolicySmoke } from '../smoke/checks/networkpolicy.ts';

export {
  CLUSTER_DNS,
  describePeer,
  listNetworkFlows,
  POLICY_NAMES,
  renderNetworkFlowTable,
  type FlowPeer,
  type FlowPort,
  type NetworkFlow,
} from './network-flows.ts';

/** Pinned to the Kubernetes minor the local cluster runs, so a cluster upgrade never tightens enforcement unannounced. */
export const POD_SECURITY_VERSION = KUBERNETES_VERSION.split('.').slice(0, 2).join('.');
const POD_SECURITY_LEVEL = 'restricted';
function networkPolicy(
  name: string,
  pods: NetworkFlow['pods'],
  types: ('Ingress' | 'Egress')[],
  flows: readonly NetworkFlow[],
): KubeObject {
  const ports = (f: NetworkFlow) =>
    f.ports.length ? f.ports.map((p) => ({ protocol: p.protocol, port: p.port })) : undefined;
  const ingress = flows
    .filter((f) => f.direction === 'ingress')
    .map((f) => ({ from: [peerSelector(f.peer)], ports: ports(f) }));
  const egress = flows
    .filter((f) => f.direction === 'egress')
    .map((f) => ({ to: [peerSelector(f.peer)], ports: ports(f) }));
  return obj({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('platform', name),
    spec: {
      podSelector: pods === 'all' ? {} : { matchLabels: { [LABELS.component]: pods } },
      policyTypes: types,
      ingress: ingress.length ? ingress : undefined,
      egress: egress.length ? egress : undefined,
    },
  });
}

export function buildNetworkPolicies(components: readonly ComponentSpec[], env: Environment): KubeObject[] {
  const flows = listNetworkFlows(components, env);
  const byPolicy = new Map<string, NetworkFlow[]>();
  for (const f of flows) byPolicy.set(f.policy, [...(byPolicy.get(f.policy) ?? []), f]);
  const allowed = [...byPolicy.entries()].map(([name, fs]) =>
    networkPolicy(name, fs[0]!.pods, [fs[0]!.direction === 'ingress' ? 'Ingress' : 'Egress'], fs),
  );
  return [networkPolicy(POLICY_NAMES.defaultDeny, 'all', ['Ingress', 'Egress'], []), ...allowed];
}

export function buildNamespace(): KubeObject {
  return obj({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NAMESPACE,
      labels: {
        ...componentLabels('platform', NAMESPACE),
        [LABELS.podSecurityEnforce]: POD_SECURITY_LEVEL,
        [LABELS.podSecurityEnforceVersion]: POD_SECURITY_VERSION,
        // warn and audit follow `latest` (their version labels are left out), so a
        // stricter future standard shows up as warnings before enforce is moved.
        [LABELS.podSecurityWarn]: POD_SECURITY_LEVEL,
        [LABELS.podSecurityAudit]: POD_SECURITY_LEVEL,
      },
      annotations: {
        // Deleting the namespace deletes every volume in it: never as a side effect of
        // a prune or of deleting the platform Application.
        [ANNOTATIONS.syncOptions]: 'Prune=false,Delete=false',
      },
    },
  });
}

function build(env: Environment, ctx: BuildContext): KubeObject[] {
  return [buildNamespace(), ...buildNetworkPolicies(ctx.components, env)];
}

export const platform: ComponentSpec = {
  name: 'platform',
  description: 'The soma-infra namespace (Pod Security restricted) and its default-deny NetworkPolicies',
  tier: 'platform',
  images: [],
  uid: null,
  service: null,
  dependsOn: [],
  dashboard: null,
  smoke: [networkPolicySmoke],
  sourceFiles: [],
  build,
};
