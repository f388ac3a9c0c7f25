// Qdrant, from its own /metrics on the REST port: collections, REST and gRPC traffic,
// failures and the average latency Qdrant computes itself (it exports no histograms).
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('qdrant', metric, extra);

export const qdrantDashboard: DashboardSpec = {
  component: 'qdrant',
  uid: 'soma-qdrant',
  title: 'Soma / Qdrant',
  description: 'Shared Qdrant: availability, collections, request rate, failures and latency (Qdrant metrics).',
  panels: [
    {
      kind: 'stat',
      title: 'Nodes scraped',
      health: true,
      description: 'Qdrant targets Prometheus reaches (up).',
      queries: [{ expr: `sum(${m('up')})` }],
    },
    {
      kind: 'stat',
      title: 'Collections',
      description: 'Collections on the node (collections_total).',
      queries: [{ expr: `max(${m('collections_total')})` }],
    },
    {
      kind: 'timeseries',
      title: 'REST requests per second by endpoint',
      unit: 'reqps',
      description: 'Responses of the REST API (rest_responses_total).',
      queries: [
        {
          expr: `sum by (method, endpoint) (rate(${m('rest_responses_total')}[5m]))`,
          legend: '{{method}} {{endpoint}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Failed responses per second',
      unit: 'reqps',
      description: 'REST and gRPC responses counted as failures (rest_ / grpc_responses_fail_total).',
      queries: [
        { expr: `sum(rate(${m('rest_responses_fail_total')}[5m]))`, legend: 'REST' },
        { expr: `sum(rate(${m('grpc_responses_fail_total')}[5m]))`, legend: 'gRPC' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'REST average latency by endpoint',
      unit: 's',
      description: 'Average duration of successful REST responses since start (rest_responses_avg_duration_seconds).',
      queries: [
        {
          expr: `max by (method, endpoint) (${m('rest_responses_avg_duration_seconds')})`,
          legend: '{{method}} {{endpoint}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'gRPC requests per second by endpoint',
      unit: 'reqps',
      description: 'Responses of the gRPC API (grpc_responses_total).',
      queries: [{ expr: `sum by (endpoint) (rate(${m('grpc_responses_total')}[5m]))`, legend: '{{endpoint}}' }],
    },
  ],
};
