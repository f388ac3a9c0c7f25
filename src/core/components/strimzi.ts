// Strimzi: the operator that runs the shared Kafka (a `kafka.strimzi.io/v1` Kafka and its
// KafkaNodePools, see kafka.ts). Like CloudNativePG (cnpg.ts) it is a component of its
// own, synced in the operators' wave so its CRDs exist before the stores' wave syncs a
// Kafka. The install is the pinned release manifest by URL plus local patches, never copied.
//
// Unlike CloudNativePG's, Strimzi's release names no namespace for its objects (the
// ServiceAccount subjects of its bindings say `myproject`): kustomize places them in
// STRIMZI_NAMESPACE with its namespace transformer told to move the bindings' ServiceAccount
// subjects too, and the base creates that Namespace. The operator lives there and watches
// soma-infra only (STRIMZI_NAMESPACE on the Deployment), which needs its three watched-
// namespace RoleBindings in soma-infra, built here.
//
// Settings on the operator, by environment variable:
// - STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted: the Kafka pods it makes pass the
//   `restricted` Pod Security standard soma-infra enforces.
// - STRIMZI_NETWORK_POLICY_GENERATION=false: Strimzi's own NetworkPolicy would open the
//   client listener and the metrics port to every pod of the cluster, wider than ours;
//   the flows it needs (its controller to the brokers' and controllers' internal ports)
//   are declared in kafka's ServiceSpec and built with every other flow (network-flows.ts).
import type { KubeObject } from '../kube.ts';
import { LABELS, NAMESPACE } from '../names.ts';
import { operatorComponent, RELEASE_CLUSTER_KINDS, type ComponentSpec, type UpstreamInstall } from './spec.ts';
import { componentLabels } from './workload.ts';

/** Strimzi release (tags have no `v`); its manifest lists 10 CRDs and the cluster operator Deployment. */
// renovate: datasource=github-releases depName=strimzi/strimzi-kafka-operator
export const STRIMZI_VERSION = '1.2.0';
export const STRIMZI_INSTALL_URL = `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${STRIMZI_VERSION}/strimzi-cluster-operator-${STRIMZI_VERSION}.yaml`;
export const STRIMZI_NAMESPACE = 'strimzi';
/** The API of the operator's custom resources (1.0 removed v1beta2). */
export const STRIMZI_API = 'kafka.strimzi.io/v1';
/** The Apache Kafka version the Kafka runs: the release's default (its images are `quay.io/strimzi/kafka:<release>-kafka-<version>`). */
export const STRIMZI_KAFKA_VERSION = '4.3.1';
export const STRIMZI_KAFKA_IMAGE = `quay.io/strimzi/kafka:${STRIMZI_VERSION}-kafka-${STRIMZI_KAFKA_VERSION}`;

const OPERATOR = 'strimzi-cluster-operator';
/** What Strimzi's operator needs bound in a namespace it watches: binding name → the release's ClusterRole. */
export const WATCHED_NAMESPACE_ROLES: Readonly<Record<string, string>> = {
  [OPERATOR]: 'strimzi-cluster-operator-namespaced',
  [`${OPERATOR}-watched`]: 'strimzi-cluster-operator-watched',
  // Lets it grant an entity operator its role, should Kafka ever enable one.
  [`${OPERATOR}-entity-operator-delegation`]: 'strimzi-entity-operator',
};

function watchedNamespaceBinding(name: string, clusterRole: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: NAMESPACE, labels: componentLabels('strimzi', name) },
    subjects: [{ kind: 'ServiceAccount', name: OPERATOR, namespace: STRIMZI_NAMESPACE }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
  };
}

function operatorNamespace(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: STRIMZI_NAMESPACE,
      labels: {
        ...componentLabels('strimzi', STRIMZI_NAMESPACE),
        // The release's Deployment sets the restricted security context (since 1.2.0).
        [LABELS.podSecurityEnforce]: 'restricted',
        [LABELS.podSecurityWarn]: 'restricted',
        [LABELS.podSecurityAudit]: 'restricted',
      },
    },
  };
}

export const STRIMZI_INSTALL: UpstreamInstall = {
  url: STRIMZI_INSTALL_URL,
  version: STRIMZI_VERSION,
  namespace: STRIMZI_NAMESPACE,
  placeInNamespace: true,
  objects: [
    operatorNamespace(),
    ...Object.entries(WATCHED_NAMESPACE_ROLES).map(([name, role]) => watchedNamespaceBinding(name, role)),
  ],
  controllerPodLabels: { 'strimzi.io/kind': 'cluster-operator' },
  workloads: [
    {
      kind: 'Deployment',
      name: OPERATOR,
      container: OPERATOR,
      // A JVM; the release's own 384Mi is kept as the request (less is not enough for its heap).
      sizing: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      env: {
        STRIMZI_NAMESPACE: NAMESPACE,
        STRIMZI_POD_SECURITY_PROVIDER_CLASS: 'restricted',
        STRIMZI_NETWORK_POLICY_GENERATION: 'false',
        // The release waits 5 min for pods to be ready before it marks the Kafka NotReady
        // (a timeout), which Argo CD's health script calls Degraded and bootstrap's wait
        // fails on: a first pull of the Kafka image on a laptop or CI runner can take longer.
        STRIMZI_OPERATION_TIMEOUT_MS: String(10 * 60 * 1000),
      },
    },
  ],
  kinds: {
    cluster: RELEASE_CLUSTER_KINDS,
    namespaced: [
      { group: '', kind: 'ConfigMap' },
      { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
    ],
  },
};

export const strimzi: ComponentSpec = operatorComponent({
  name: 'strimzi',
  description: `Strimzi ${STRIMZI_VERSION} operator (pinned upstream release by URL, sized by a local patch) in ${STRIMZI_NAMESPACE}, watching ${NAMESPACE}`,
  images: [
    { role: 'cluster operator (set by the upstream release)', image: `quay.io/strimzi/operator:${STRIMZI_VERSION}` },
  ],
  upstream: STRIMZI_INSTALL,
});
