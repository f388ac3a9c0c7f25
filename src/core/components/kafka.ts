// Kafka: the shared event log (kafka.soma-infra.svc:9092), KRaft mode, run by the Strimzi
// operator (strimzi.ts) as a `kafka.strimzi.io/v1` Kafka plus its KafkaNodePools. The
// operator formats the nodes with the cluster id it keeps in the Kafka's status, builds
// the controller quorum from the pools, rolls nodes one at a time after their partitions
// have caught up, refuses to remove a broker that still holds partition replicas, and
// makes the PodDisruptionBudget; none of that is hand-written here.
//
// Node pools per environment (PROFILES): one node that is broker and controller in dev
// and staging; three such nodes in prod, the same three pods and requests as the
// hand-written StatefulSet it replaces (three voters survive one lost node, three brokers
// give replication factor 3 with min ISR 2). Dedicated controllers, when prod's budget
// allows six pods, follow Strimzi's transition: add a broker pool, move the partitions onto
// it, then drop the broker role from `dual-role` (docs/operations.md).
// Brokers scale through a broker-only pool; the dual-role pool (the KRaft voters) keeps its
// size, since the pinned Strimzi writes a static voter list (docs/operations.md).
//
// The contract is unchanged: Service `kafka` selects the broker pods on the plain
// listener 9092 (Strimzi's own is `kafka-kafka-bootstrap`), and brokers advertise their
// pod names behind Strimzi's headless `kafka-kafka-brokers` Service, which any pod resolves.
import { InternalError } from '../errors.ts';
import type { KubeObject } from '../kube.ts';
import { LABELS, type Environment } from '../names.ts';
import { brokerSettings, CLIENT_PORT, KAFKA_SERVICE, KAFKA_METRICS_RULES, METRICS_CONFIG } from './kafka-config.ts';
import { kafkaDashboard } from './dashboards/kafka.ts';
import { headlessServiceName, type ComponentSpec, type ConfigMapFiles } from './spec.ts';
import { meta, type Sizing } from './workload.ts';
import { kafkaSmoke } from '../smoke/checks/kafka.ts';
import { STRIMZI_API, STRIMZI_KAFKA_IMAGE, STRIMZI_KAFKA_VERSION } from './strimzi.ts';

export { STRIMZI_API };

type Role = 'broker' | 'controller';

interface NodePool {
  name: string;
  roles: readonly Role[];
  replicas: number;
  sizing: Sizing;
  /** JVM heap (-Xms = -Xmx); the rest of the container's memory is page cache and metaspace. */
  heap: string;
  storage: string;
  /** Prefer one node of the Kafka per Kubernetes node, so a node's loss takes one voter and one replica. */
  spread: boolean;
}

interface KafkaProfile {
  pools: readonly NodePool[];
  /** Strimzi's Kafka Exporter (consumer-group lag): a Deployment of its own, never in a broker pod. */
  exporter: Sizing;
  retentionHours: number;
  retentionBytes: number;
  segmentBytes: number;
  partitions: number;
  groupInitialRebalanceDelayMs: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BOTH: readonly Role[] = ['controller', 'broker'];

const PROFILES: Record<Environment, KafkaProfile> = {
  dev: {
    pools: [
      {
        name: 'dual-role',
        roles: BOTH,
        replicas: 1,
        sizing: { requests: { cpu: '400m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        heap: '512m',
        storage: '10Gi',
        spread: false,
      },
    ],
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    retentionHours: 24,
    retentionBytes: 1 * GiB,
    segmentBytes: 64 * MiB,
    partitions: 1,
    groupInitialRebalanceDelayMs: 0,
  },
  staging: {
    pools: [
      {
        name: 'dual-role',
        roles: BOTH,
        replicas: 1,
        sizing: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
        heap: '1g',
        storage: '20Gi',
        spread: false,
      },
    ],
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    retentionHours: 72,
    retentionBytes: 4 * GiB,
    segmentBytes: 256 * MiB,
    partitions: 3,
    groupInitialRebalanceDelayMs: 3000,
  },
  prod: {
    pools: [
      {
        name: 'dual-role',
        roles: BOTH,
        replicas: 3,
        sizing: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
        heap: '2g',
        storage: '100Gi',
        spread: true,
      },
    ],
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    retentionHours: 168,
    retentionBytes: -1,
    segmentBytes: 1 * GiB,
    partitions: 3,
    groupInitialRebalanceDelayMs: 3000,
  },
};

const NAME = 'kafka';
/** The kafka user of Strimzi's Kafka image. */
const UID = 1001;

/** Labels Strimzi puts on every node of the Kafka named `kafka` (its own Services select them). */
export const KAFKA_NODE_LABELS = {
  'strimzi.io/cluster': NAME,
  'strimzi.io/kind': 'Kafka',
  'strimzi.io/name': `${NAME}-kafka`,
} as const;
/**
 * What we add to every pod Strimzi makes for the Kafka that is ours to reach (nodes, exporter):
 * our NetworkPolicies select it, and so does the metrics Service. Strimzi sets the other
 * app.kubernetes.io labels itself.
 */
const COMPONENT_LABEL = { [LABELS.component]: NAME } as const;
/** Nodes with the broker role carry this too. */
export const BROKER_ROLE_LABEL = 'strimzi.io/broker-role';

type PoolShape = Pick<NodePool, 'name' | 'roles' | 'replicas'>;
const nodesWith = (pools: readonly PoolShape[], role: Role) =>
  pools.filter((p) => p.roles.includes(role)).reduce((n, p) => n + p.replicas, 0);

export function brokerCount(env: Environment): number {
  return nodesWith(PROFILES[env].pools, 'broker');
}

/** A profile's pools must give at least one broker and an odd number of controllers (a majority survives). */
export function checkNodePools(pools: readonly PoolShape[]): void {
  const controllers = nodesWith(pools, 'controller');
  if (nodesWith(pools, 'broker') < 1 || controllers % 2 !== 1)
    throw new InternalError(
      `kafka node pools ${pools.map((p) => `${p.name}×${p.replicas}`).join(', ')} need at least one broker and an odd number of controllers, got ${controllers}`,
    );
}

function buildKafka(p: KafkaProfile, brokers: number): KubeObject {
  return {
    apiVersion: STRIMZI_API,
    kind: 'Kafka',
    metadata: meta(NAME, NAME),
    spec: {
      kafka: {
        version: STRIMZI_KAFKA_VERSION,
        // Plain inside the cluster, as the contract has always been; FQDN so every namespace resolves them.
        listeners: [
          {
            name: 'plain',
            port: CLIENT_PORT,
            type: 'internal',
            tls: false,
            configuration: { useServiceDnsDomain: true },
          },
        ],
        config: brokerSettings({ ...p, brokers }),
        metricsConfig: {
          type: 'jmxPrometheusExporter',
          valueFrom: { configMapKeyRef: { name: METRICS_CONFIG.name, key: METRICS_CONFIG.key } },
        },
      },
      // Consumer-group lag, which no broker reports; it reaches the brokers on the replication
      // listener with its own certificate, and Prometheus scrapes it on 9404 with the nodes.
      kafkaExporter: {
        topicRegex: '.*',
        groupRegex: '.*',
        resources: { requests: { ...p.exporter.requests }, limits: { ...p.exporter.limits } },
        template: { pod: { metadata: { labels: { ...COMPONENT_LABEL } } } },
      },
      // No entity operator (topics and users are not managed as resources) and no Cruise
      // Control: pods the dev budget does not hold (docs/operations.md, "Kafka on Strimzi").
    },
  };
}

function spreadOverNodes(): Record<string, unknown> {
  const selector = { matchLabels: { ...KAFKA_NODE_LABELS } };
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
      ],
    },
  };
}

function buildNodePool(pool: NodePool): KubeObject {
  return {
    apiVersion: STRIMZI_API,
    kind: 'KafkaNodePool',
    metadata: meta(NAME, pool.name, { labels: { 'strimzi.io/cluster': NAME } }),
    spec: {
      replicas: pool.replicas,
      roles: [...pool.roles],
      // deleteClaim false: removing the pool (or the Kafka) keeps the data volumes.
      storage: { type: 'persistent-claim', size: pool.storage, deleteClaim: false },
      resources: { requests: { ...pool.sizing.requests }, limits: { ...pool.sizing.limits } },
      jvmOptions: { '-Xms': pool.heap, '-Xmx': pool.heap },
      template: {
        pod: {
          metadata: { labels: { ...COMPONENT_LABEL } },
          // Room for a controlled shutdown: leadership moves off the broker before it stops.
          terminationGracePeriodSeconds: 120,
          // The contract Service is named `kafka`: its service links would put KAFKA_* variables
          // into every node's environment, a prefix Kafka images read as settings.
          enableServiceLinks: false,
          affinity: pool.spread ? spreadOverNodes() : undefined,
        },
      },
    },
  };
}

function port(name: string, number: number) {
  return { name, port: number, targetPort: number, protocol: 'TCP' };
}

/** The contract Service: the broker pods' plain listener, under the name consumers have always used. */
function contractService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(NAME, NAME),
    spec: {
      type: 'ClusterIP',
      selector: { ...KAFKA_NODE_LABELS, [BROKER_ROLE_LABEL]: 'true' },
      ports: [port('kafka', CLIENT_PORT)],
    },
  };
}

/** Every node (controllers too, which alone report the active controller) and the exporter, for Prometheus' DNS discovery. */
function metricsService(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(NAME, headlessServiceName(NAME)),
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: { 'strimzi.io/cluster': NAME, ...COMPONENT_LABEL },
      ports: [port('metrics', KAFKA_SERVICE.metrics.port)],
    },
  };
}

function build(env: Environment): KubeObject[] {
  const p = PROFILES[env];
  checkNodePools(p.pools);
  return [contractService(), metricsService(), buildKafka(p, brokerCount(env)), ...p.pools.map(buildNodePool)];
}

function configFiles(): ConfigMapFiles[] {
  return [{ name: METRICS_CONFIG.name, files: { [METRICS_CONFIG.key]: KAFKA_METRICS_RULES } }];
}

export const kafka: ComponentSpec = {
  name: NAME,
  description: `Apache Kafka ${STRIMZI_KAFKA_VERSION} in KRaft mode as a Strimzi Kafka (1 broker + controller node; 3 in prod), metrics in-process, Strimzi's Kafka Exporter for consumer lag; no entity operator or Cruise Control (docs/operations.md)`,
  tier: 'store',
  uid: UID,
  service: KAFKA_SERVICE,
  dependsOn: [{ component: 'strimzi', why: 'the Strimzi operator runs the Kafka' }],
  dashboard: kafkaDashboard,
  smoke: [kafkaSmoke],
  sourceFiles: [],
  images: [
    { role: 'brokers, KRaft controllers and the Kafka Exporter (and the smoke client)', image: STRIMZI_KAFKA_IMAGE },
  ],
  build,
  configFiles,
};
