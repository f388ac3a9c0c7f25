// Vault telemetry from /v1/sys/metrics?format=prometheus (vault_ prefix). Vault's
// summaries are in milliseconds. Standby nodes may not answer the metrics endpoint,
// so per-node panels show the active node and standbys that do.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('vault', metric, extra);

export const vaultDashboard: DashboardSpec = {
  component: 'vault',
  uid: 'soma-vault',
  title: 'Soma / Vault',
  description: 'Shared Vault: seal status, request rate and latency, leases and Go runtime (Vault telemetry).',
  panels: [
    {
      kind: 'stat',
      title: 'Unsealed',
      health: true,
      description: 'Every reporting node unsealed (vault_core_unsealed).',
      queries: [{ expr: `min(${m('vault_core_unsealed')})` }],
    },
    {
      kind: 'stat',
      title: 'Nodes scraped',
      health: true,
      description: 'Vault targets Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Leases',
      description: 'Leases Vault tracks for expiry (vault_expire_num_leases).',
      queries: [{ expr: `max(${m('vault_expire_num_leases')})` }],
    },
    {
      kind: 'timeseries',
      title: 'Requests per second',
      unit: 'reqps',
      description: 'Requests handled by the core (vault_core_handle_request_count).',
      queries: [
        { expr: `sum by (instance) (rate(${m('vault_core_handle_request_count')}[5m]))`, legend: '{{instance}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Request latency p50 / p99',
      unit: 'ms',
      description: 'Quantiles of the vault_core_handle_request summary.',
      queries: [
        { expr: m('vault_core_handle_request', 'quantile="0.5"'), legend: 'p50 {{instance}}' },
        { expr: m('vault_core_handle_request', 'quantile="0.99"'), legend: 'p99 {{instance}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Seal status per node',
      description: '1 = unsealed; a drop to 0 means the node needs unsealing.',
      queries: [{ expr: m('vault_core_unsealed'), legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Memory',
      unit: 'bytes',
      description: 'Go heap allocated and memory obtained from the OS.',
      queries: [
        { expr: m('vault_runtime_alloc_bytes'), legend: 'alloc {{instance}}' },
        { expr: m('vault_runtime_sys_bytes'), legend: 'sys {{instance}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Goroutines',
      description: 'vault_runtime_num_goroutines per node.',
      queries: [{ expr: m('vault_runtime_num_goroutines'), legend: '{{instance}}' }],
    },
  ],
};
