// Kafka: the shared event log (kafka.soma-infra.svc:9092), KRaft mode, no ZooKeeper.
//
// Every pod is a combined broker + controller of one StatefulSet: one in dev and staging
// (a single voter needs no quorum, and staging keeps its memory for the stores that need
// it), three in prod. The controller quorum, replication factors and min.insync.replicas
// are derived from the replica count, so scaling is one profile value and a topic
// default can never ask for more replicas than there are brokers.
//
// The broker is configured through the image's KAFKA_* variables (kafka-config.ts), which
// its entrypoint writes into /opt/kafka/config on every start: that directory is an
// emptyDir and the root filesystem stays read-only.
import type { KubeObject, V1Container } from '../kube.ts';
import type { Environment } from '../names.ts';
import {
  CLIENT_PORT,
  CONTROLLER_PORT,
  KAFKA_PATHS,
  KAFKA_SERVICE,
  LOG4J2,
  brokerEnv,
  type BrokerConfig,
} from './kafka-config.ts';
import { contractService, headlessService } from './services.ts';
import { kafkaDashboard } from './dashboards/kafka.ts';
import { headlessServiceName, type ComponentSpec, type ConfigMapFiles } from './spec.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  container,
  emptyDir,
  httpProbe,
  podDisruptionBudget,
  statefulSet,
  tcpProbe,
  type Sizing,
} from './workload.ts';
import { kafkaSmoke } from '../smoke/checks/kafka.ts';

export const KAFKA_IMAGES = {
  kafka: 'docker.io/apache/kafka:4.3.1',
  exporter: 'docker.io/danielqsj/kafka-exporter:v1.9.0',
} as const;

interface KafkaProfile extends BrokerConfig {
  broker: Sizing;
  exporter: Sizing;
  storage: string;
  /** PodDisruptionBudget and anti-affinity: never lose more than one voter to a drain. */
  highAvailability: boolean;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const PROFILES: Record<Environment, KafkaProfile> = {
  dev: {
    replicas: 1,
    broker: { requests: { cpu: '400m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    heap: '512m',
    storage: '10Gi',
    retentionHours: 24,
    retentionBytes: 1 * GiB,
    segmentBytes: 64 * MiB,
    partitions: 1,
    groupInitialRebalanceDelayMs: 0,
    highAvailability: false,
  },
  staging: {
    replicas: 1,
    broker: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    heap: '1g',
    storage: '20Gi',
    retentionHours: 72,
    retentionBytes: 4 * GiB,
    segmentBytes: 256 * MiB,
    partitions: 3,
    groupInitialRebalanceDelayMs: 3000,
    highAvailability: false,
  },
  prod: {
    replicas: 3,
    broker: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    heap: '2g',
    storage: '100Gi',
    retentionHours: 168,
    retentionBytes: -1,
    segmentBytes: 1 * GiB,
    partitions: 3,
    groupInitialRebalanceDelayMs: 3000,
    highAvailability: true,
  },
};

const NAME = 'kafka';
/** `appuser`, created first by `adduser` in the Alpine-based image: uid and gid 1000. */
const UID = 1000;
const METRICS = KAFKA_SERVICE.metrics;
const HEADLESS = headlessServiceName(NAME);
const CONFIG_MAP = 'kafka-config';

function brokerContainer(p: KafkaProfile): V1Container {
  return container({
    name: NAME,
    image: KAFKA_IMAGES.kafka,
    env: brokerEnv(p),
    ports: [
      { name: 'kafka', containerPort: CLIENT_PORT },
      { name: 'controller', containerPort: CONTROLLER_PORT },
    ],
    sizing: p.broker,
    // The first start formats the log directory and elects a controller; a restart on a big volume replays logs.
    startup: tcpProbe('kafka', { periodSeconds: 10, failureThreshold: 30 }),
    liveness: tcpProbe('kafka', { periodSeconds: 10, failureThreshold: 6 }),
    readiness: tcpProbe('kafka', { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [
      { name: 'data', mountPath: KAFKA_PATHS.data },
      { name: 'config', mountPath: KAFKA_PATHS.config },
      { name: 'log4j', mountPath: KAFKA_PATHS.log4j, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  });
}

// The exporter exits when the broker is not reachable at start. Restarting it here every
// few seconds, instead of letting the kubelet back off for minutes, keeps the pod's
// readiness following the broker's. SIGTERM is passed on so the pod stops promptly.
const EXPORTER_LOOP = [
  `trap 'kill -TERM "$pid" 2>/dev/null; exit 0' TERM INT`,
  'while :; do',
  '  /bin/kafka_exporter "$@" & pid=$!',
  '  wait "$pid"',
  '  sleep 5',
  'done',
].join('\n');

function exporterContainer(p: KafkaProfile): V1Container {
  return container({
    name: 'exporter',
    image: KAFKA_IMAGES.exporter,
    command: ['sh', '-c', EXPORTER_LOOP, 'kafka-exporter'],
    args: [
      `--kafka.server=127.0.0.1:${CLIENT_PORT}`,
      // Sarama picks request versions from this; its default (2.0.0) uses versions Kafka 4 removed (KIP-896).
      '--kafka.version=3.6.0',
      `--web.listen-address=:${METRICS.port}`,
      `--web.telemetry-path=${METRICS.path}`,
    ],
    ports: [{ name: 'metrics', containerPort: METRICS.port }],
    sizing: p.exporter,
    // Nothing listens until the broker answers (first start formats KRaft storage): the same
    // allowance as the broker's, so liveness never restarts the exporter while Kafka starts.
    startup: httpProbe('/healthz', 'metrics', { periodSeconds: 10, failureThreshold: 30 }),
    liveness: httpProbe('/healthz', 'metrics', { periodSeconds: 10, failureThreshold: 6 }),
    readiness: httpProbe('/healthz', 'metrics', { periodSeconds: 10, failureThreshold: 3 }),
  });
}

function brokers(p: KafkaProfile): KubeObject {
  return statefulSet({
    component: NAME,
    replicas: p.replicas,
    serviceName: HEADLESS,
    // All voters must be up before any is ready: ordered start-up would wait forever for a quorum.
    podManagementPolicy: 'Parallel',
    podAnnotations: { [CONFIG_HASH_ANNOTATION]: configHash({ 'log4j2.yaml': LOG4J2 }) },
    pod: {
      uid: UID,
      containers: [brokerContainer(p), exporterContainer(p)],
      volumes: [emptyDir('config', '16Mi'), emptyDir('tmp'), { name: 'log4j', configMap: { name: CONFIG_MAP } }],
      antiAffinityFor: p.highAvailability ? NAME : undefined,
      // Room for a controlled shutdown: leadership moves off the broker before it stops.
      terminationGracePeriodSeconds: 120,
    },
    volumeClaims: [{ name: 'data', size: p.storage }],
  });
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  const objects = [
    // The contract Service carries only the client listener; the controller port stays internal.
    contractService(NAME, KAFKA_SERVICE, 'kafka'),
    // Controllers resolve each other before any of them is ready.
    headlessService(NAME, KAFKA_SERVICE, { portName: 'kafka', publishNotReadyAddresses: true }),
    brokers(p),
  ];
  if (p.highAvailability) objects.push(podDisruptionBudget(NAME, NAME, 1));
  return objects;
}

function configFiles(): ConfigMapFiles[] {
  return [{ name: CONFIG_MAP, files: { 'log4j2.yaml': LOG4J2 } }];
}

export const kafka: ComponentSpec = {
  name: NAME,
  description: 'Apache Kafka 4 in KRaft mode (combined broker + controller; 3 in prod) with a kafka-exporter sidecar',
  tier: 'store',
  uid: UID,
  service: KAFKA_SERVICE,
  dependsOn: [],
  dashboard: kafkaDashboard,
  smoke: [kafkaSmoke],
  sourceFiles: [],
  images: [
    { role: 'broker + KRaft controller', image: KAFKA_IMAGES.kafka },
    { role: 'Prometheus exporter sidecar', image: KAFKA_IMAGES.exporter },
  ],
  build,
  configFiles,
};
