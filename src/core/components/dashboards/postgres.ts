// Postgres, from postgres_exporter (prometheus-community): pg_up and the
// pg_stat_database / pg_stat_activity / pg_database collectors, all on by default.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('postgres', metric, extra);
const rate = (metric: string): string => `rate(${m(metric)}[5m])`;

export const postgresDashboard: DashboardSpec = {
  component: 'postgres',
  uid: 'soma-postgres',
  title: 'Soma / Postgres',
  description: 'Shared Postgres: availability, connections, throughput, cache efficiency and size (postgres_exporter).',
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
      description: 'The exporter can query Postgres (pg_up).',
      queries: [{ expr: `min(${m('pg_up')})` }],
    },
    {
      kind: 'stat',
      title: 'Backends',
      description: 'Connections open to all databases (pg_stat_database_numbackends).',
      queries: [{ expr: `sum(${m('pg_stat_database_numbackends')})` }],
    },
    {
      kind: 'timeseries',
      title: 'Connections by state',
      description:
        'pg_stat_activity grouped by state: a growing "idle in transaction" count points at leaking clients.',
      queries: [{ expr: `sum by (state) (${m('pg_stat_activity_count')})`, legend: '{{state}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Transactions per second',
      unit: 'ops',
      description: 'Commits and rollbacks per second over all databases.',
      queries: [
        { expr: `sum(${rate('pg_stat_database_xact_commit')})`, legend: 'commit' },
        { expr: `sum(${rate('pg_stat_database_xact_rollback')})`, legend: 'rollback' },
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
          expr: `sum(${rate('pg_stat_database_blks_hit')}) / (sum(${rate('pg_stat_database_blks_hit')}) + sum(${rate('pg_stat_database_blks_read')}) > 0)`,
          legend: 'hit ratio',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Rows per second',
      unit: 'rowsps',
      description: 'Rows fetched, inserted, updated and deleted per second.',
      queries: ['fetched', 'inserted', 'updated', 'deleted'].map((op) => ({
        expr: `sum(${rate(`pg_stat_database_tup_${op}`)})`,
        legend: op,
      })),
    },
    {
      kind: 'timeseries',
      title: 'Database size',
      unit: 'bytes',
      description: 'On-disk size per database (pg_database_size_bytes).',
      queries: [{ expr: `sum by (datname) (${m('pg_database_size_bytes')})`, legend: '{{datname}}' }],
    },
  ],
};
