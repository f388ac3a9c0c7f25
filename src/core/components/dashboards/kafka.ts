// Kafka, from the JMX exporter Strimzi runs inside every broker and controller (port 9404,
// rules in kafka-config.ts) and from Strimzi's Kafka Exporter (consumer groups, also on
// 9404, same job). Broker series are per node and summed; the controller series come from
// every controller, only the active one reporting the cluster-wide counts, so those are
// taken with max().
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('kafka', metric, extra);
const USER_TOPICS = 'topic!~"__.*"';

export const kafkaDashboard: DashboardSpec = {
  component: 'kafka',
  uid: 'soma-kafka',
  title: 'Soma / Kafka',
  description:
    'Shared Kafka (KRaft, Strimzi): brokers, the active controller, partitions and replication, traffic per topic (JMX exporter in the brokers), consumer lag (Kafka Exporter).',
  panels: [
    {
      kind: 'stat',
      title: 'Brokers',
      health: true,
      description: 'Brokers registered and not fenced, as the active controller sees them (ActiveBrokerCount).',
      queries: [{ expr: `max(${m('kafka_controller_kafkacontroller_activebrokercount')})` }],
    },
    {
      kind: 'stat',
      title: 'Active controller',
      health: true,
      description: 'Controllers that are the active one: exactly 1 (ActiveControllerCount summed over the quorum).',
      queries: [{ expr: `sum(${m('kafka_controller_kafkacontroller_activecontrollercount')})` }],
    },
    {
      kind: 'stat',
      title: 'Targets scraped',
      health: true,
      description: 'Brokers, controllers and the Kafka Exporter whose metrics endpoint Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Under-replicated partitions',
      description: 'Partitions led by a broker with fewer in-sync replicas than replicas; should be 0.',
      queries: [{ expr: `sum(${m('kafka_server_replicamanager_underreplicatedpartitions')})` }],
    },
    {
      kind: 'stat',
      title: 'Offline partitions',
      description: 'Partitions without a leader, from the active controller; should be 0.',
      queries: [{ expr: `max(${m('kafka_controller_kafkacontroller_offlinepartitionscount')})` }],
    },
    {
      kind: 'timeseries',
      title: 'Messages in per second by topic',
      unit: 'ops',
      description: 'Records appended by the partition leaders (BrokerTopicMetrics MessagesInPerSec).',
      queries: [
        {
          expr: `sum by (topic) (rate(${m('kafka_server_brokertopicmetrics_messagesin_total', USER_TOPICS)}[5m]))`,
          legend: '{{topic}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Partitions and leaders per broker',
      description: 'Replicas each broker holds and how many it leads (ReplicaManager PartitionCount, LeaderCount).',
      queries: [
        {
          expr: `sum by (instance) (${m('kafka_server_replicamanager_partitioncount')})`,
          legend: '{{instance}} replicas',
        },
        { expr: `sum by (instance) (${m('kafka_server_replicamanager_leadercount')})`, legend: '{{instance}} leaders' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Consumer group lag',
      description: 'Messages a consumer group is behind, per topic (Kafka Exporter, kafka_consumergroup_lag).',
      queries: [
        {
          expr: `sum by (consumergroup, topic) (${m('kafka_consumergroup_lag', USER_TOPICS)})`,
          legend: '{{consumergroup}} / {{topic}}',
        },
      ],
    },
  ],
};
