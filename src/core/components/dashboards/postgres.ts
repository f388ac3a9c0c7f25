// Postgres, from CloudNativePG's exporter on every instance (port 9187): cnpg_collector_up
// and the queries of the operator's default monitoring ConfigMap (cnpg_backends_*,
// cnpg_pg_stat_database_*, cnpg_pg_database_*, cnpg_pg_replication_*, cnpg_pg_stat_archiver_*).
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('postgres', metric, extra);
const rate = (metric: string): string => `rate(${m(metric)}[5m])`;

export const postgresDashboard: DashboardSpec = {
  component: 'postgres',
  uid: 'soma-postgres',
  title: 'Soma / Postgres',
  description:
    'Shared Postgres (CloudNativePG): availability, connections, throughput, cache efficiency, size, replication and WAL archiving.',
  panels: [
    {
      kind: 'stat',
      title: 'Exporter scraped',
      health: true,
      description: 'Prometheus reaches the exporter (up).',
      queries: [{ expr: `min(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Database up',
      health: true,
      description: 'Every instance can query its Postgres (cnpg_collector_up).',
      queries: [{ expr: `min(${m('cnpg_collector_up')})` }],
    },
    {
      kind: 'timeseries',
      title: 'Connections by state',
      description: 'Backends grouped by state: a growing "idle in transaction" count points at leaking clients.',
      queries: [{ expr: `sum by (state) (${m('cnpg_backends_total')})`, legend: '{{state}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Transactions per second',
      unit: 'ops',
      description: 'Commits and rollbacks per second over all databases.',
      queries: [
        { expr: `sum(${rate('cnpg_pg_stat_database_xact_commit')})`, legend: 'commit' },
        { expr: `sum(${rate('cnpg_pg_stat_database_xact_rollback')})`, legend: 'rollback' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Buffer cache hit ratio',
      unit: 'percentunit',
      description:
        'Share of block reads served from shared buffers; below ~0.9 the working set no longer fits in memory; no value while nothing is read.',
      queries: [
        {
          expr: `sum(${rate('cnpg_pg_stat_database_blks_hit')}) / (sum(${rate('cnpg_pg_stat_database_blks_hit')}) + sum(${rate('cnpg_pg_stat_database_blks_read')}) > 0)`,
          legend: 'hit ratio',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Database size',
      unit: 'bytes',
      description: 'On-disk size per database, the largest any instance reports (cnpg_pg_database_size_bytes).',
      queries: [{ expr: `max by (datname) (${m('cnpg_pg_database_size_bytes')})`, legend: '{{datname}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Replication lag',
      unit: 's',
      description: 'How far each replica replays behind the primary (cnpg_pg_replication_lag); 0 on the primary.',
      queries: [{ expr: `max by (instance) (${m('cnpg_pg_replication_lag')})`, legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Seconds since the last WAL archive',
      unit: 's',
      description:
        'Age of the newest archived WAL segment, reported by the primary only (cnpg_pg_stat_archiver_seconds_since_last_archival; -1 before the first); past the 15 min RPO the archive alert fires.',
      queries: [{ expr: `max(${m('cnpg_pg_stat_archiver_seconds_since_last_archival')})`, legend: 'age' }],
    },
  ],
};
