// Redis, from oliver006/redis_exporter: INFO fields under the redis_ prefix.
import { sel, type DashboardSpec } from './panels.ts';

const m = (metric: string, extra = ''): string => sel('redis', metric, extra);
const rate = (metric: string): string => `rate(${m(metric)}[5m])`;

export const redisDashboard: DashboardSpec = {
  component: 'redis',
  uid: 'soma-redis',
  title: 'Soma / Redis',
  description:
    'Shared Redis: availability, clients, memory against maxmemory, throughput, hit ratio and evictions (redis_exporter).',
  panels: [
    {
      kind: 'stat',
      title: 'Redis up',
      health: true,
      description: 'The exporter can talk to Redis (redis_up).',
      queries: [{ expr: `min(${m('redis_up')})` }],
    },
    {
      kind: 'stat',
      title: 'Connected clients',
      description: 'Client connections (redis_connected_clients).',
      queries: [{ expr: `sum(${m('redis_connected_clients')})` }],
    },
    {
      kind: 'timeseries',
      title: 'Memory used vs maxmemory',
      unit: 'bytes',
      description: 'With allkeys-lru, Redis evicts once used memory reaches maxmemory.',
      queries: [
        { expr: `sum by (instance) (${m('redis_memory_used_bytes')})`, legend: 'used {{instance}}' },
        { expr: `sum by (instance) (${m('redis_memory_max_bytes')})`, legend: 'maxmemory {{instance}}' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Commands per second',
      unit: 'ops',
      description: 'Commands processed per second (redis_commands_processed_total).',
      queries: [{ expr: `sum by (instance) (${rate('redis_commands_processed_total')})`, legend: '{{instance}}' }],
    },
    {
      kind: 'timeseries',
      title: 'Keyspace hit ratio',
      unit: 'percentunit',
      description: 'Hits over hits plus misses for key lookups; no value while nothing is looked up.',
      queries: [
        {
          expr: `sum(${rate('redis_keyspace_hits_total')}) / (sum(${rate('redis_keyspace_hits_total')}) + sum(${rate('redis_keyspace_misses_total')}) > 0)`,
          legend: 'hit ratio',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Evicted and expired keys per second',
      unit: 'ops',
      description: 'Evictions mean maxmemory is too small for the working set.',
      queries: [
        { expr: `sum(${rate('redis_evicted_keys_total')})`, legend: 'evicted' },
        { expr: `sum(${rate('redis_expired_keys_total')})`, legend: 'expired' },
      ],
    },
    {
      kind: 'timeseries',
      title: 'Keys per database',
      description: 'Number of keys per logical database (redis_db_keys).',
      queries: [{ expr: `sum by (db) (${m('redis_db_keys')})`, legend: '{{db}}' }],
    },
  ],
};
