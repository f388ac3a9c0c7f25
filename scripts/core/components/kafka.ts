// Kafka: the shared event log (kafka.soma-infra.svc:9092), KRaft mode, no ZooKeeper.
//
// Every pod is a combined broker + controller of one StatefulSet: one in dev and staging
// (a single voter needs no quorum, and staging keeps its memory for the stores that need
// it), three in prod. The controller quorum, replication factors and min.insync.replicas
// are derived from the replica count, so scaling is one profile value and a topic
// default can never ask for more replicas than there are brokers.
//
// The official apache/kafka image is configured the way it is built to be: its entrypoint
// (/etc/kafka/docker/run → KafkaDockerWrapper `setup`) turns every KAFKA_* variable into a
// server.properties line (`_` → `.`, `__` → `_`, `___` → `-`), writes the result into
// /opt/kafka/config and formats the log directory with CLUSTER_ID on every start
// ("already formatted" is tolerated). /opt/kafka/config is therefore an emptyDir and the
// root filesystem stays read-only. Per-pod values come from the pod: node.id from the
// StatefulSet's pod-index label, the advertised listener from the pod's name behind the
// headless Service.
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../contracts.ts';
import type { KubeObject, V1Container, V1EnvVar } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import type { Component, ConfigMapFiles } from './types.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  container,
  emptyDir,
  env,
  httpProbe,
  podDisruptionBudget,
  service,
  statefulSet,
  tcpProbe,
  type Sizing,
} from './workload.ts';

export const KAFKA_IMAGES = {
  kafka: 'docker.io/apache/kafka:4.3.1',
  exporter: 'docker.io/danielqsj/kafka-exporter:v1.9.0',
} as const;

interface KafkaProfile {
  /** Combined broker + controller pods; 1 or an odd number (the controllers vote). */
  replicas: number;
  broker: Sizing;
  exporter: Sizing;
  /** JVM heap (-Xms = -Xmx); the rest of the container's memory is page cache and metaspace. */
  heap: string;
  storage: string;
  retentionHours: number;
  /** Per partition; -1 keeps time-based retention only. */
  retentionBytes: number;
  segmentBytes: number;
  /** Partitions of auto-created topics. */
  partitions: number;
  /** 0 lets a single consumer start at once instead of waiting for more members. */
  groupInitialRebalanceDelayMs: number;
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
const CLIENT_PORT = CONTRACTS.kafka.port;
const CONTROLLER_PORT = INTERNAL_PORTS.kafka.peer!.find((p) => p.name === 'controller')!.port;
const METRICS = INTERNAL_PORTS.kafka.metrics;
const HEADLESS = headlessServiceName(NAME);

/**
 * The cluster's identity, written into every log directory by the first format. Fixed
 * (a base64url-encoded random UUID, 22 characters) so a pod restarted on its volume
 * always finds the id it was formatted with; changing it makes every broker refuse
 * its existing data. Environments never share brokers, so one value serves all.
 */
export const KAFKA_CLUSTER_ID = 'ksStZGWbt5hLy0yZFx24eg';

const DATA_MOUNT = '/var/lib/kafka/data';
/** A subdirectory, so the volume root's lost+found never looks like a partition to Kafka. */
export const LOG_DIRS = `${DATA_MOUNT}/logs`;
const LOG4J_DIR = '/etc/kafka/soma';
const CONFIG_MAP = 'kafka-config';

// Console only: the image's default log4j2.yaml also writes hourly files that are never
// deleted, which would fill the pod's ephemeral storage.
const LOG4J2 = `Configuration:
  name: soma-kafka
  Appenders:
    Console:
      name: STDOUT
      target: SYSTEM_OUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: kafka.authorizer.logger
        level: WARN
      - name: org.apache.kafka.clients
        level: WARN
`;

/** The stable DNS name of pod `kafka-<ordinal>` behind the headless Service. */
export function kafkaPodHost(ordinal: number): string {
  return `${NAME}-${ordinal}.${HEADLESS}.${NAMESPACE}.svc.cluster.local`;
}

function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`kafka replicas must be a positive integer, got ${replicas}`);
}

/** controller.quorum.voters: `<node.id>@<pod host>:9093` for every pod (node.id = pod ordinal). */
export function controllerQuorumVoters(replicas: number): string {
  checkReplicas(replicas);
  return Array.from({ length: replicas }, (_, i) => `${i}@${kafkaPodHost(i)}:${CONTROLLER_PORT}`).join(',');
}

export interface ReplicationSettings {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** Up to three copies of every partition; with three, writes survive one broker down (min ISR 2). */
export function replicationSettings(replicas: number): ReplicationSettings {
  checkReplicas(replicas);
  const replicationFactor = Math.min(3, replicas);
  return { replicationFactor, minInsyncReplicas: Math.max(1, replicationFactor - 1) };
}

/** Broker settings as the image's KAFKA_* variables, in a stable order. */
function brokerSettings(p: KafkaProfile): Record<string, string> {
  const r = replicationSettings(p.replicas);
  const rf = String(r.replicationFactor);
  const isr = String(r.minInsyncReplicas);
  return {
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},CONTROLLER://:${CONTROLLER_PORT}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: controllerQuorumVoters(p.replicas),
    KAFKA_LOG_DIRS: LOG_DIRS,
    KAFKA_NUM_PARTITIONS: String(p.partitions),
    KAFKA_DEFAULT_REPLICATION_FACTOR: rf,
    KAFKA_MIN_INSYNC_REPLICAS: isr,
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: isr,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: isr,
    KAFKA_LOG_RETENTION_HOURS: String(p.retentionHours),
    KAFKA_LOG_RETENTION_BYTES: String(p.retentionBytes),
    KAFKA_LOG_SEGMENT_BYTES: String(p.segmentBytes),
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: String(p.groupInitialRebalanceDelayMs),
  };
}

function brokerEnv(p: KafkaProfile): V1EnvVar[] {
  return [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The StatefulSet controller labels each pod with its ordinal (Kubernetes ≥ 1.28).
    { name: 'KAFKA_NODE_ID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } },
    // $(POD_NAME) is expanded by the kubelet from the variable defined above.
    { name: 'KAFKA_ADVERTISED_LISTENERS', value: `PLAINTEXT://$(POD_NAME).${HEADLESS}.${NAMESPACE}.svc.cluster.local:${CLIENT_PORT}` },
    ...env({
      CLUSTER_ID: KAFKA_CLUSTER_ID,
      ...brokerSettings(p),
      // For the JVM; the entrypoint also copies it into server.properties (heap.opts), which Kafka ignores.
      KAFKA_HEAP_OPTS: `-Xms${p.heap} -Xmx${p.heap}`,
      KAFKA_LOG4J_OPTS: `-Dlog4j2.configurationFile=${LOG4J_DIR}/log4j2.yaml`,
      // Without `-loggc`: no GC log files in the pod's ephemeral storage.
      EXTRA_ARGS: '-name kafkaServer',
      LOG_DIR: '/tmp/kafka-logs',
    }),
  ];
}

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
      { name: 'data', mountPath: DATA_MOUNT },
      { name: 'config', mountPath: '/opt/kafka/config' },
      { name: 'log4j', mountPath: LOG4J_DIR, readOnly: true },
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
    service({ component: NAME, ports: [{ name: 'kafka', port: CLIENT_PORT }] }),
    service({
      component: NAME,
      name: HEADLESS,
      selects: NAME,
      headless: true,
      // Controllers resolve each other before any of them is ready.
      publishNotReadyAddresses: true,
      ports: [
        { name: 'kafka', port: CLIENT_PORT },
        { name: 'controller', port: CONTROLLER_PORT },
        { name: 'metrics', port: METRICS.port },
      ],
    }),
    brokers(p),
  ];
  if (p.highAvailability) objects.push(podDisruptionBudget(NAME, NAME, 1));
  return objects;
}

function configFiles(): ConfigMapFiles[] {
  return [{ name: CONFIG_MAP, files: { 'log4j2.yaml': LOG4J2 } }];
}

export const kafka: Component = {
  name: NAME,
  description: 'Apache Kafka 4 in KRaft mode (combined broker + controller; 3 in prod) with a kafka-exporter sidecar',
  tier: 'store',
  images: [
    { role: 'broker + KRaft controller', image: KAFKA_IMAGES.kafka },
    { role: 'Prometheus exporter sidecar', image: KAFKA_IMAGES.exporter },
  ],
  dashboardUid: 'soma-kafka',
  build,
  configFiles,
};
