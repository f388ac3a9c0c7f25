// OPA's own /metrics: the http_request_duration_seconds histogram (labels code,
// handler, method) and the Go runtime collectors.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('opa', metric, extra);
const quantile = (q: number): string =>
  `histogram_quantile(${q}, sum by (handler, le) (rate(${m('http_request_duration_seconds_bucket')}[5m])))`;

export const opaDashboard: DashboardSpec = {
  component: 'opa',
  uid: 'soma-opa',
  title: 'Soma / OPA',
  description: 'Shared OPA policy decision point: request rate, latency and errors per API handler, Go runtime.',
  panels: [
    {
      kind: 'stat',
      title: 'Instances scraped',
      health: true,
      description: 'OPA pods Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Decisions per second',
      unit: 'reqps',
      description: 'Requests to the Data API (handler v1/data), where policy decisions are made.',
      queries: [{ expr: `sum(rate(${m('http_request_duration_seconds_count', 'handler="v1/data"')}[5m]))` }],
    },
    {
      kind: 'timeseries',
      title: 'Requests per second by handler',
      unit: 'reqps',
      description: 'All API requests per handler.',
      queries: [
        { expr: `sum by (handler) (rate(${m('http_request_duration_seconds_count')}[5m]))`, legend: '{{handler}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Latency p50 / p99 by handler',
      unit: 's',
      description: 'Request duration quantiles from the histogram buckets.',
      queries: [
        { expr: quantile(0.5), legend: 'p50 {{handler}}' },
        { expr: quantile(0.99), legend: 'p99 {{handler}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Non-2xx responses per second',
      unit: 'reqps',
      description: 'Failed requests by handler and status code.',
      queries: [
        {
          expr: `sum by (handler, code) (rate(${m('http_request_duration_seconds_count', 'code!~"2.."')}[5m]))`,
          legend: '{{handler}} {{code}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Heap in use',
      unit: 'bytes',
      description: 'Go heap in use per pod; large bundles or data documents show here.',
      queries: [{ expr: m('go_memstats_heap_inuse_bytes'), legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Goroutines',
      description: 'Goroutines per pod.',
      queries: [{ expr: m('go_goroutines'), legend: '{{instance}}' }],
    },
  ],
};
