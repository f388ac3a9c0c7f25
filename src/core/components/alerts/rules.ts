// Alert rules Prometheus evaluates (docs/operations.md, "Alerts"). Each rule is written
// against a metric a scraped exporter exposes, never an invented series. Certificates and
// base backups: certificates.ts, backups.ts.
import { toYaml } from '../../yaml.ts';
import { BACKUPS } from './backups.ts';
import { CERTIFICATES } from './certificates.ts';

export type Severity = 'critical' | 'warning';

export interface AlertRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  for: string;
  severity: Severity;
  summary: string;
  /** The first thing the person paged should do. */
  action: string;
}

export interface AlertGroup {
  name: string;
  rules: AlertRule[];
}

/** RPO of Postgres (docs/operations.md): WAL older than this is data a restore would lose. */
export const POSTGRES_RPO_SECONDS = 900;
const NS = 'namespace="soma-infra"';

const TARGETS: AlertGroup = {
  name: 'soma-targets',
  rules: [
    {
      alert: 'SomaTargetDown',
      expr: 'up == 0',
      for: '5m',
      severity: 'critical',
      summary: 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}',
      action: 'kubectl -n soma-infra get pods for the component; read the pod events and logs of the one not Ready',
    },
    {
      alert: 'SomaVolumeNearlyFull',
      expr: `kubelet_volume_stats_available_bytes{${NS}} / kubelet_volume_stats_capacity_bytes{${NS}} < 0.1`,
      for: '10m',
      severity: 'warning',
      summary: 'PVC {{ $labels.persistentvolumeclaim }} has less than 10% free space',
      action: 'Find what grows (retention, WAL, logs); expand the PVC or lower the retention in the profile',
    },
  ],
};

const POSTGRES: AlertGroup = {
  name: 'soma-postgres',
  rules: [
    {
      alert: 'SomaPostgresDown',
      expr: 'cnpg_collector_up{job="postgres"} == 0',
      for: '2m',
      severity: 'critical',
      summary: 'The instance at {{ $labels.instance }} cannot query its Postgres',
      action:
        'kubectl -n soma-infra get cluster.postgresql.cnpg.io postgres (phase and reason); read the logs of the instance pod at that address',
    },
    {
      alert: 'SomaPostgresWalArchiveStale',
      // Only the primary reports it (the query's predicate); -1 until the first segment is archived.
      // An idle database switches no segment, so the age alone grows with nothing at risk: it
      // counts only while finished segments wait (.ready files, CloudNativePG's collector).
      expr:
        `cnpg_pg_stat_archiver_seconds_since_last_archival{job="postgres"} > ${POSTGRES_RPO_SECONDS}` +
        ' and on (instance) cnpg_collector_pg_wal_archive_status{job="postgres",value="ready"} > 0',
      for: '5m',
      severity: 'critical',
      summary: 'No WAL segment archived for more than the 15-minute RPO on {{ $labels.instance }}',
      action:
        "Read the primary's log for wal-archive errors and the Cluster's ContinuousArchiving condition; check the object store and its credentials Secret",
    },
    {
      alert: 'SomaPostgresWalArchiveFailing',
      expr: 'increase(cnpg_pg_stat_archiver_failed_count{job="postgres"}[15m]) > 0',
      for: '0m',
      severity: 'warning',
      summary: 'WAL archiving failed at least once in 15 minutes on {{ $labels.instance }}',
      action: "Read the primary's wal-archive errors before the archive falls behind the RPO",
    },
    {
      alert: 'SomaPostgresReplicationLag',
      expr: 'cnpg_pg_replication_lag{job="postgres"} > 60',
      for: '5m',
      severity: 'warning',
      summary: 'Replica {{ $labels.instance }} replays WAL more than a minute behind the primary',
      action: 'Check the replica pod resources and the network to the primary; a lagging replica weakens failover',
    },
  ],
};

const KAFKA: AlertGroup = {
  name: 'soma-kafka',
  rules: [
    {
      alert: 'SomaKafkaUnderReplicatedPartitions',
      // Each broker reports the partitions it leads, so the sum counts every partition once.
      expr: 'sum(kafka_server_replicamanager_underreplicatedpartitions{job="kafka"}) > 0',
      for: '10m',
      severity: 'warning',
      summary: '{{ $value }} Kafka partitions have fewer in-sync replicas than replicas',
      action: 'Find the broker missing from the ISR (kafka-topics.sh --describe --under-replicated-partitions)',
    },
    {
      alert: 'SomaKafkaOfflinePartitions',
      // Only the active controller reports a count; the others report 0.
      expr: 'max(kafka_controller_kafkacontroller_offlinepartitionscount{job="kafka"}) > 0',
      for: '1m',
      severity: 'critical',
      summary: '{{ $value }} Kafka partitions have no leader: producers and consumers of them are stuck',
      action:
        'Bring back the brokers holding the replicas (kubectl -n soma-infra get pods -l strimzi.io/cluster=kafka)',
    },
    {
      alert: 'SomaKafkaNoActiveController',
      // Controllers report 1 when active; while any is scraped, the sum must be exactly 1.
      expr: 'sum(kafka_controller_kafkacontroller_activecontrollercount{job="kafka"}) < 1',
      for: '2m',
      severity: 'critical',
      summary: 'No Kafka controller is active: no leader can be elected and no topic created',
      action:
        'Check the controllers reach a quorum (kubectl -n soma-infra logs -l strimzi.io/controller-role=true); kubectl -n soma-infra get kafka kafka -o yaml (conditions)',
    },
  ],
};

const VAULT: AlertGroup = {
  name: 'soma-vault',
  rules: [
    {
      alert: 'SomaVaultSealed',
      expr: 'vault_core_unsealed{job="vault"} == 0',
      for: '1m',
      severity: 'critical',
      summary: 'Vault at {{ $labels.instance }} is sealed and serves no secrets',
      action: 'Unseal it with the unseal keys (docs/operations.md, Vault), then find why it restarted',
    },
  ],
};

const ETCD: AlertGroup = {
  name: 'soma-etcd',
  rules: [
    {
      alert: 'SomaEtcdNoLeader',
      expr: 'etcd_server_has_leader{job="etcd"} == 0',
      for: '1m',
      severity: 'critical',
      summary: 'etcd member {{ $labels.instance }} sees no leader: writes fail',
      action: 'Check that a quorum of etcd pods runs and can reach each other on the peer port',
    },
    {
      alert: 'SomaEtcdFrequentLeaderChanges',
      expr: 'increase(etcd_server_leader_changes_seen_total{job="etcd"}[15m]) > 3',
      for: '5m',
      severity: 'warning',
      summary: 'etcd member {{ $labels.instance }} saw more than 3 leader changes in 15 minutes',
      action: 'Look for slow disks (etcd_disk_wal_fsync_duration_seconds) or CPU throttling of the etcd pods',
    },
  ],
};

/** Every group, in a fixed order (the generated file is deterministic). */
export const ALERT_GROUPS: readonly AlertGroup[] = [TARGETS, POSTGRES, KAFKA, VAULT, ETCD, BACKUPS, CERTIFICATES];

function ruleYaml(r: AlertRule): Record<string, unknown> {
  return {
    alert: r.alert,
    expr: r.expr,
    for: r.for,
    labels: { severity: r.severity },
    annotations: { summary: r.summary, action: r.action },
  };
}

/** The rule file Prometheus loads (listed in rule_files beside the configuration). */
export function renderAlertRules(groups: readonly AlertGroup[] = ALERT_GROUPS): string {
  return toYaml({ groups: groups.map((g) => ({ name: g.name, rules: g.rules.map(ruleYaml) })) });
}
