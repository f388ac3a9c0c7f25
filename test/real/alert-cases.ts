// Synthetic series for `promtool test rules`: for every alert, one history that makes it
// fire (with the labels it must carry) and one close to it that must not.
import { TLS_AND_BACKUP_CASES } from './alert-cases-tls-backup.ts';

export interface Series {
  series: string;
  values: string;
}

export interface AlertCase {
  alert: string;
  /** Fires at evalTime with these labels (besides severity); `value` fills {{ $value }}. */
  fires: { series: Series[]; labels: Record<string, string>; value?: string };
  quiet: Series[];
  evalTime: string;
}

const s = (series: string, values: string): Series => ({ series, values });
const PVC = 'namespace="soma-infra",persistentvolumeclaim="postgres-1"';
const PG = 'job="postgres",instance="10.0.0.5:9187"';
const ETCD = 'job="etcd",instance="10.0.0.7:2381"';
/** One Kafka node's series (Strimzi's JMX exporter on 9404). */
const node = (metric: string, n: number, v: string): Series =>
  s(`${metric}{job="kafka",instance="10.0.1.${n}:9404"}`, v);

export const ALERT_CASES: AlertCase[] = [
  {
    alert: 'SomaTargetDown',
    evalTime: '10m',
    fires: {
      series: [s('up{job="redis",instance="10.0.0.3:9121"}', '0x15')],
      labels: { job: 'redis', instance: '10.0.0.3:9121' },
    },
    // Down for only 3 minutes: a restart, not an outage.
    quiet: [s('up{job="redis",instance="10.0.0.3:9121"}', '1x6 0x3 1x6')],
  },
  {
    alert: 'SomaVolumeNearlyFull',
    evalTime: '15m',
    fires: {
      series: [
        s(`kubelet_volume_stats_available_bytes{${PVC}}`, '5x20'),
        s(`kubelet_volume_stats_capacity_bytes{${PVC}}`, '100x20'),
      ],
      labels: { namespace: 'soma-infra', persistentvolumeclaim: 'postgres-1' },
    },
    quiet: [
      s(`kubelet_volume_stats_available_bytes{${PVC}}`, '50x20'),
      s(`kubelet_volume_stats_capacity_bytes{${PVC}}`, '100x20'),
    ],
  },
  {
    alert: 'SomaPostgresDown',
    evalTime: '5m',
    fires: { series: [s(`cnpg_collector_up{${PG}}`, '0x10')], labels: { job: 'postgres', instance: '10.0.0.5:9187' } },
    quiet: [s(`cnpg_collector_up{${PG}}`, '1x10')],
  },
  {
    alert: 'SomaPostgresWalArchiveStale',
    evalTime: '15m',
    // The age grows by 60 s a minute from 10 minutes: past the RPO from minute 6, firing from 11
    // while segments wait. The quiet case is an idle database: the same age, nothing waiting.
    fires: {
      series: [
        s(`cnpg_pg_stat_archiver_seconds_since_last_archival{${PG}}`, '600+60x20'),
        s(`cnpg_collector_pg_wal_archive_status{${PG},value="ready"}`, '3x20'),
      ],
      labels: { job: 'postgres', instance: '10.0.0.5:9187' },
    },
    quiet: [
      s(`cnpg_pg_stat_archiver_seconds_since_last_archival{${PG}}`, '600+60x20'),
      s(`cnpg_collector_pg_wal_archive_status{${PG},value="ready"}`, '0x20'),
    ],
  },
  {
    alert: 'SomaPostgresWalArchiveFailing',
    evalTime: '10m',
    fires: {
      series: [s(`cnpg_pg_stat_archiver_failed_count{${PG}}`, '0x5 1x10')],
      labels: { job: 'postgres', instance: '10.0.0.5:9187' },
    },
    quiet: [s(`cnpg_pg_stat_archiver_failed_count{${PG}}`, '2x20')],
  },
  {
    alert: 'SomaPostgresReplicationLag',
    evalTime: '10m',
    fires: {
      series: [s(`cnpg_pg_replication_lag{${PG}}`, '120x15')],
      labels: { job: 'postgres', instance: '10.0.0.5:9187' },
    },
    quiet: [s(`cnpg_pg_replication_lag{${PG}}`, '2x15')],
  },
  {
    alert: 'SomaKafkaUnderReplicatedPartitions',
    evalTime: '15m',
    fires: {
      series: [
        node('kafka_server_replicamanager_underreplicatedpartitions', 0, '1x20'),
        node('kafka_server_replicamanager_underreplicatedpartitions', 1, '2x20'),
      ],
      labels: {},
      // Each broker counts the partitions it leads: they add up.
      value: '3',
    },
    // Under-replicated for 5 minutes only (a broker restart): not yet.
    quiet: [node('kafka_server_replicamanager_underreplicatedpartitions', 0, '0x5 1x5 0x10')],
  },
  {
    alert: 'SomaKafkaOfflinePartitions',
    evalTime: '5m',
    fires: {
      series: [
        node('kafka_controller_kafkacontroller_offlinepartitionscount', 0, '2x10'),
        node('kafka_controller_kafkacontroller_offlinepartitionscount', 1, '0x10'),
      ],
      labels: {},
      value: '2',
    },
    quiet: [node('kafka_controller_kafkacontroller_offlinepartitionscount', 0, '0x10')],
  },
  {
    alert: 'SomaKafkaNoActiveController',
    evalTime: '5m',
    fires: {
      series: [
        node('kafka_controller_kafkacontroller_activecontrollercount', 0, '0x10'),
        node('kafka_controller_kafkacontroller_activecontrollercount', 1, '0x10'),
      ],
      labels: {},
      value: '0',
    },
    // Leadership moved from one controller to another: one active throughout.
    quiet: [
      node('kafka_controller_kafkacontroller_activecontrollercount', 0, '1x5 0x5'),
      node('kafka_controller_kafkacontroller_activecontrollercount', 1, '0x5 1x5'),
    ],
  },
  {
    alert: 'SomaVaultSealed',
    evalTime: '5m',
    fires: {
      series: [s('vault_core_unsealed{job="vault",instance="10.0.0.9:8200"}', '0x10')],
      labels: { job: 'vault', instance: '10.0.0.9:8200' },
    },
    quiet: [s('vault_core_unsealed{job="vault",instance="10.0.0.9:8200"}', '1x10')],
  },
  {
    alert: 'SomaEtcdNoLeader',
    evalTime: '5m',
    fires: {
      series: [s(`etcd_server_has_leader{${ETCD}}`, '0x10')],
      labels: { job: 'etcd', instance: '10.0.0.7:2381' },
    },
    quiet: [s(`etcd_server_has_leader{${ETCD}}`, '1x10')],
  },
  {
    alert: 'SomaEtcdFrequentLeaderChanges',
    evalTime: '20m',
    fires: {
      series: [s(`etcd_server_leader_changes_seen_total{${ETCD}}`, '0+1x30')],
      labels: { job: 'etcd', instance: '10.0.0.7:2381' },
    },
    // One election in half an hour (a rolling restart) is normal.
    quiet: [s(`etcd_server_leader_changes_seen_total{${ETCD}}`, '0x10 1x20')],
  },
  ...TLS_AND_BACKUP_CASES,
];
