// Prometheus itself, from its own /metrics: scrape health of every job, firing alerts,
// rule evaluation, and the TSDB's growth against the retention the profile sets.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('prometheus', metric, extra);

export const prometheusDashboard: DashboardSpec = {
  component: 'prometheus',
  uid: 'soma-prometheus',
  title: 'Soma / Prometheus',
  description: 'Prometheus: targets up per job, firing alerts, rule evaluation, TSDB series and size.',
  panels: [
    {
      kind: 'stat',
      title: 'Config reloaded',
      health: true,
      description:
        'The last configuration (and rule file) reload succeeded (prometheus_config_last_reload_successful).',
      queries: [{ expr: `min(${m('prometheus_config_last_reload_successful')})` }],
    },
    {
      kind: 'stat',
      title: 'Alerts firing',
      description: 'Alerts in the firing state (the ALERTS series of every rule, not scoped to a job).',
      queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)' }],
    },
    {
      kind: 'stat',
      title: 'Rule evaluation failures (1h)',
      description: 'Failed rule evaluations in the last hour (prometheus_rule_evaluation_failures_total).',
      queries: [{ expr: `sum(increase(${m('prometheus_rule_evaluation_failures_total')}[1h]))` }],
    },
    {
      kind: 'timeseries',
      title: 'Targets up by job',
      description: 'Targets answering their scrape, per component (up of every job).',
      queries: [{ expr: 'sum by (job) (up{job!=""})', legend: '{{job}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Head series',
      description: 'Series in the in-memory head block (prometheus_tsdb_head_series); memory grows with it.',
      queries: [{ expr: `max(${m('prometheus_tsdb_head_series')})`, legend: 'series' }],
    },
    {
      kind: 'timeseries',
      title: 'Samples appended per second',
      unit: 'ops',
      description: 'Ingestion rate (prometheus_tsdb_head_samples_appended_total).',
      queries: [{ expr: `sum(rate(${m('prometheus_tsdb_head_samples_appended_total')}[5m]))`, legend: 'samples' }],
    },
    {
      kind: 'timeseries',
      title: 'TSDB block storage',
      unit: 'bytes',
      description: 'Bytes of persisted blocks (prometheus_tsdb_storage_blocks_bytes), bounded by the retention size.',
      queries: [{ expr: `max(${m('prometheus_tsdb_storage_blocks_bytes')})`, legend: 'blocks' }],
    },
  ],
};
