// The checklist, in the order docs/operations.md lists it.
import { etcdCheck } from './checks/etcd.ts';
import { grafanaCheck } from './checks/grafana.ts';
import { kafkaCheck } from './checks/kafka.ts';
import { networkPolicyCheck } from './checks/networkpolicy.ts';
import { opaCheck } from './checks/opa.ts';
import { postgresCheck } from './checks/postgres.ts';
import { prometheusCheck } from './checks/prometheus.ts';
import { redisCheck } from './checks/redis.ts';
import { vaultCheck } from './checks/vault.ts';
import type { SmokeCheck } from './types.ts';

export const SMOKE_CHECKS: readonly SmokeCheck[] = [
  postgresCheck,
  redisCheck,
  kafkaCheck,
  opaCheck,
  vaultCheck,
  etcdCheck,
  prometheusCheck,
  grafanaCheck,
  networkPolicyCheck,
];

/** The name of the API-only check that every pod in soma-infra is Ready (no Job needed). */
export const PODS_CHECK = 'pods';
