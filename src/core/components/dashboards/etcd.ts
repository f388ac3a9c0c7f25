// etcd, from its own /metrics on the metrics port: leadership, disk latency (the usual
// cause of elections), database size against the backend quota, and proposals.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('etcd', metric, extra);
const p99 = (metric: string): string => `histogram_quantile(0.99, sum by (instance, le) (rate(${m(metric)}[5m])))`;

export const etcdDashboard: DashboardSpec = {
  component: 'etcd',
  uid: 'soma-etcd',
  title: 'Soma / etcd',
  description: 'Shared etcd: leader, members, disk latency, database size against the quota, proposals (etcd metrics).',
  panels: [
    {
      kind: 'stat',
      title: 'Members with a leader',
      health: true,
      description: 'Members that see a leader (etcd_server_has_leader); below the member count, writes may fail.',
      queries: [{ expr: `sum(${m('etcd_server_has_leader')})` }],
    },
    {
      kind: 'stat',
      title: 'Members scraped',
      health: true,
      description: 'etcd targets Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Leader changes (1h)',
      description: 'Elections seen in the last hour (etcd_server_leader_changes_seen_total); should stay near 0.',
      queries: [{ expr: `max(increase(${m('etcd_server_leader_changes_seen_total')}[1h]))` }],
    },
    {
      kind: 'timeseries',
      title: 'Database size against quota',
      unit: 'percentunit',
      description: 'Backend size over --quota-backend-bytes; at 1 etcd refuses writes (NOSPACE).',
      queries: [
        {
          expr: `max by (instance) (${m('etcd_mvcc_db_total_size_in_bytes')}) / max by (instance) (${m('etcd_server_quota_backend_bytes')})`,
          legend: '{{instance}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'WAL fsync p99',
      unit: 's',
      description: 'Time to fsync the write-ahead log; above ~10 ms the disk is too slow for etcd.',
      queries: [{ expr: p99('etcd_disk_wal_fsync_duration_seconds_bucket'), legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Backend commit p99',
      unit: 's',
      description: 'Time to commit to the bolt database (etcd_disk_backend_commit_duration_seconds).',
      queries: [{ expr: p99('etcd_disk_backend_commit_duration_seconds_bucket'), legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Proposals per second',
      unit: 'ops',
      description: 'Committed and failed Raft proposals; failures mean lost quorum or elections.',
      queries: [
        { expr: `sum(rate(${m('etcd_server_proposals_committed_total')}[5m]))`, legend: 'committed' },
        { expr: `sum(rate(${m('etcd_server_proposals_failed_total')}[5m]))`, legend: 'failed' },
      ],
    },
  ],
};
