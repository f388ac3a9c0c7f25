// Kafka's ports, the broker settings derived from the broker count, and the Prometheus JMX
// exporter configuration the brokers and controllers load in-process (Strimzi's
// `metricsConfig`): no sidecar, so nothing but the broker itself decides its readiness.
import { InternalError } from '../errors.ts';
import { namedPort, type ServiceSpec } from './spec.ts';

/**
 * Kafka's consumer contract and internal ports (docs/contracts.md). The ports are the ones
 * Strimzi gives its nodes: the plain listener we declare (9092), its control plane (9090)
 * and replication (9091) listeners, its agent (8443), the metrics endpoint (9404).
 */
export const KAFKA_SERVICE: ServiceSpec = {
  port: 9092,
  secrets: [],
  metrics: { port: 9404, path: '/metrics' },
  // The KRaft quorum (controllers) and replication between brokers: mutual TLS with the cluster CA.
  peer: [
    { name: 'controlplane', port: 9090 },
    { name: 'replication', port: 9091 },
  ],
  // The operator rolls nodes through the control plane and replication listeners and asks
  // the agent whether a starting broker has recovered its logs.
  managedBy: {
    component: 'strimzi',
    ports: [
      { name: 'controlplane', port: 9090 },
      { name: 'replication', port: 9091 },
      { name: 'agent', port: 8443 },
    ],
  },
  // A Strimzi node reads its listeners' certificates from Secrets through the API server at
  // start (its Kubernetes config provider): without this a broker never starts.
  egress: [
    { name: 'https', port: 443, why: "the Kubernetes API, where each node reads its listeners' certificates" },
    { name: 'apiserver', port: 6443, why: 'the Kubernetes API server where it listens on 6443 (kubeadm, Kind)' },
  ],
};
export const CLIENT_PORT = KAFKA_SERVICE.port;
export const CONTROLLER_PORT = namedPort(KAFKA_SERVICE.peer, 'controlplane').port;

/** What the broker settings depend on, per environment. */
export interface BrokerConfig {
  /** Brokers (nodes with the broker role, over every pool). */
  brokers: number;
  retentionHours: number;
  /** Per partition; -1 keeps time-based retention only. */
  retentionBytes: number;
  segmentBytes: number;
  /** Partitions of auto-created topics. */
  partitions: number;
  /** 0 lets a single consumer start at once instead of waiting for more members. */
  groupInitialRebalanceDelayMs: number;
}

export interface ReplicationSettings {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** Up to three copies of every partition; with three, writes survive one broker down (min ISR 2). */
export function replicationSettings(brokers: number): ReplicationSettings {
  if (!Number.isInteger(brokers) || brokers < 1)
    throw new InternalError(`kafka brokers must be a positive integer, got ${brokers}`);
  const replicationFactor = Math.min(3, brokers);
  return { replicationFactor, minInsyncReplicas: Math.max(1, replicationFactor - 1) };
}

/**
 * The Kafka's `spec.kafka.config`: replication of every topic Kafka creates itself (consumer
 * offsets, transactions, share groups) as of the user topics, and retention. Strimzi owns
 * the rest (listeners, node ids, the quorum, log directories).
 */
export function brokerSettings(c: BrokerConfig): Record<string, string | number> {
  const r = replicationSettings(c.brokers);
  return {
    'num.partitions': c.partitions,
    'default.replication.factor': r.replicationFactor,
    'min.insync.replicas': r.minInsyncReplicas,
    'offsets.topic.replication.factor': r.replicationFactor,
    'transaction.state.log.replication.factor': r.replicationFactor,
    'transaction.state.log.min.isr': r.minInsyncReplicas,
    'share.coordinator.state.topic.replication.factor': r.replicationFactor,
    'share.coordinator.state.topic.min.isr': r.minInsyncReplicas,
    'log.retention.hours': c.retentionHours,
    'log.retention.bytes': c.retentionBytes,
    'log.segment.bytes': c.segmentBytes,
    'group.initial.rebalance.delay.ms': c.groupInitialRebalanceDelayMs,
  };
}

/** The ConfigMap (and its key) holding the exporter's rules. */
export const METRICS_CONFIG = { name: 'kafka-metrics', key: 'metrics-config.yml' } as const;

/**
 * The JMX exporter's rules: only the series the dashboard and the alerts read, so the
 * scrape stays small. Names are lower-cased: `kafka.server:type=ReplicaManager,
 * name=UnderReplicatedPartitions` becomes kafka_server_replicamanager_underreplicatedpartitions;
 * the broker's per-topic message meter becomes a *_total counter with a topic label.
 */
export const KAFKA_METRICS_RULES = `lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
  # Replica state on every broker: partitions, leaders, under-replicated and under min ISR.
  - pattern: "kafka.server<type=ReplicaManager, name=(PartitionCount|LeaderCount|UnderReplicatedPartitions|UnderMinIsrPartitionCount|OfflineReplicaCount)><>Value"
    name: kafka_server_replicamanager_$1
    type: GAUGE
  # The quorum, from the controllers: the active one reports 1, its partition and topic counts.
  - pattern: "kafka.controller<type=KafkaController, name=(ActiveControllerCount|OfflinePartitionsCount|GlobalPartitionCount|GlobalTopicCount|ActiveBrokerCount|FencedBrokerCount)><>Value"
    name: kafka_controller_kafkacontroller_$1
    type: GAUGE
  # Records appended per topic, counted by the broker leading the partitions.
  - pattern: "kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=(.+)><>Count"
    name: kafka_server_brokertopicmetrics_messagesin_total
    type: COUNTER
    labels:
      topic: "$1"
`;
