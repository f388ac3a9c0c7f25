// Kafka's broker configuration: the listeners, the KRaft quorum and the replication
// settings derived from the replica count, and the environment the apache/kafka image
// turns into server.properties.
//
// The image's entrypoint (/etc/kafka/docker/run → KafkaDockerWrapper `setup`) turns every
// KAFKA_* variable into a server.properties line (`_` → `.`, `__` → `_`, `___` → `-`),
// writes the result into /opt/kafka/config and formats the log directory with CLUSTER_ID
// on every start ("already formatted" is tolerated). Per-pod values come from the pod:
// node.id from the StatefulSet's pod-index label, the advertised listener from the pod's
// name behind the headless Service.
import { InternalError } from '../errors.ts';
import type { V1EnvVar } from '../kube.ts';
import { NAMESPACE } from '../names.ts';
import { headlessServiceName, namedPort, type ServiceSpec } from './spec.ts';
import { env } from './workload.ts';

/** What the broker configuration depends on, per environment. */
export interface BrokerConfig {
  /** Combined broker + controller pods; 1 or an odd number (the controllers vote). */
  replicas: number;
  /** JVM heap (-Xms = -Xmx); the rest of the container's memory is page cache and metaspace. */
  heap: string;
  retentionHours: number;
  /** Per partition; -1 keeps time-based retention only. */
  retentionBytes: number;
  segmentBytes: number;
  /** Partitions of auto-created topics. */
  partitions: number;
  /** 0 lets a single consumer start at once instead of waiting for more members. */
  groupInitialRebalanceDelayMs: number;
}

const NAME = 'kafka';
/** Kafka's consumer contract and internal ports (docs/contracts.md); here because the broker settings need them. */
export const KAFKA_SERVICE: ServiceSpec = {
  port: 9092,
  secrets: [],
  metrics: { port: 9308, path: '/metrics' },
  peer: [{ name: 'controller', port: 9093 }],
};
export const CLIENT_PORT = KAFKA_SERVICE.port;
export const CONTROLLER_PORT = namedPort(KAFKA_SERVICE.peer, 'controller').port;
const HEADLESS = headlessServiceName(NAME);

/**
 * The cluster's identity, written into every log directory by the first format. Fixed
 * (a base64url-encoded random UUID, 22 characters) so a pod restarted on its volume
 * always finds the id it was formatted with; changing it makes every broker refuse
 * its existing data. Environments never share brokers, so one value serves all.
 */
export const KAFKA_CLUSTER_ID = 'ksStZGWbt5hLy0yZFx24eg';

/** Where the broker container mounts its data volume, generated config and shipped log4j2.yaml. */
export const KAFKA_PATHS = {
  data: '/var/lib/kafka/data',
  config: '/opt/kafka/config',
  log4j: '/etc/kafka/soma',
} as const;
/** A subdirectory, so the volume root's lost+found never looks like a partition to Kafka. */
export const LOG_DIRS = `${KAFKA_PATHS.data}/logs`;

// Console only: the image's default log4j2.yaml also writes hourly files that are never
// deleted, which would fill the pod's ephemeral storage.
export const LOG4J2 = `Configuration:
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
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new InternalError(`kafka replicas must be a positive integer, got ${replicas}`);
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
function brokerSettings(c: BrokerConfig): Record<string, string> {
  const r = replicationSettings(c.replicas);
  const rf = String(r.replicationFactor);
  const isr = String(r.minInsyncReplicas);
  return {
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},CONTROLLER://:${CONTROLLER_PORT}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: controllerQuorumVoters(c.replicas),
    KAFKA_LOG_DIRS: LOG_DIRS,
    KAFKA_NUM_PARTITIONS: String(c.partitions),
    KAFKA_DEFAULT_REPLICATION_FACTOR: rf,
    KAFKA_MIN_INSYNC_REPLICAS: isr,
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: isr,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: isr,
    KAFKA_LOG_RETENTION_HOURS: String(c.retentionHours),
    KAFKA_LOG_RETENTION_BYTES: String(c.retentionBytes),
    KAFKA_LOG_SEGMENT_BYTES: String(c.segmentBytes),
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: String(c.groupInitialRebalanceDelayMs),
  };
}

/** The broker container's environment: per-pod identity first, then the settings. */
export function brokerEnv(c: BrokerConfig): V1EnvVar[] {
  return [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // The StatefulSet controller labels each pod with its ordinal (Kubernetes ≥ 1.28).
    {
      name: 'KAFKA_NODE_ID',
      valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
    },
    // $(POD_NAME) is expanded by the kubelet from the variable defined above.
    {
      name: 'KAFKA_ADVERTISED_LISTENERS',
      value: `PLAINTEXT://$(POD_NAME).${HEADLESS}.${NAMESPACE}.svc.cluster.local:${CLIENT_PORT}`,
    },
    ...env({
      CLUSTER_ID: KAFKA_CLUSTER_ID,
      ...brokerSettings(c),
      // For the JVM; the entrypoint also copies it into server.properties (heap.opts), which Kafka ignores.
      KAFKA_HEAP_OPTS: `-Xms${c.heap} -Xmx${c.heap}`,
      KAFKA_LOG4J_OPTS: `-Dlog4j2.configurationFile=${KAFKA_PATHS.log4j}/log4j2.yaml`,
      // Without `-loggc`: no GC log files in the pod's ephemeral storage.
      EXTRA_ARGS: '-name kafkaServer',
      LOG_DIR: '/tmp/kafka-logs',
    }),
  ];
}
