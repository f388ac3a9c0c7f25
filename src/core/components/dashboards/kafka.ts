// Kafka, from danielqsj/kafka_exporter. Every exporter reports the whole cluster, so
// with one exporter per broker the cluster-wide series are taken with max(), not sum().
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('kafka', metric, extra);
const USER_TOPICS = 'topic!~"__.*"';

export const kafkaDashboard: DashboardSpec = {
  component: 'kafka',
  uid: 'soma-kafka',
  title: 'Soma / Kafka',
  description:
    'Shared Kafka (KRaft): brokers, partitions and replication, produce rate and consumer lag (kafka_exporter).',
  panels: [
    {
      kind: 'stat',
      title: 'Brokers',
      health: true,
      description: 'Brokers in the cluster metadata (kafka_brokers).',
      queries: [{ expr: `max(${m('kafka_brokers')})` }],
    },
    {
      kind: 'stat',
      title: 'Exporters scraped',
      health: true,
      description: 'Exporter targets Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Under-replicated partitions',
      description: 'Partitions with fewer in-sync replicas than replicas; should be 0.',
      queries: [{ expr: `sum(max by (topic, partition) (${m('kafka_topic_partition_under_replicated_partition')}))` }],
    },
    {
      kind: 'timeseries',
      title: 'Messages in per second by topic',
      unit: 'ops',
      description: "Growth of the partitions' current offsets (kafka_topic_partition_current_offset).",
      queries: [
        {
          expr: `sum by (topic) (max by (topic, partition) (rate(${m('kafka_topic_partition_current_offset', USER_TOPICS)}[5m])))`,
          legend: '{{topic}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Consumer group lag',
      description: 'Messages a consumer group is behind, per topic (kafka_consumergroup_lag_sum).',
      queries: [
        {
          expr: `max by (consumergroup, topic) (${m('kafka_consumergroup_lag_sum')})`,
          legend: '{{consumergroup}} / {{topic}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Consumer group members',
      description: 'Members per consumer group (kafka_consumergroup_members).',
      queries: [{ expr: `max by (consumergroup) (${m('kafka_consumergroup_members')})`, legend: '{{consumergroup}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Partitions per topic',
      description: 'Partition count of the application topics (kafka_topic_partitions).',
      queries: [{ expr: `max by (topic) (${m('kafka_topic_partitions', USER_TOPICS)})`, legend: '{{topic}}' }],
    },
  ],
};
