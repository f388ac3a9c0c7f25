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
import type { ServiceComponent } from '../../core/contracts.ts';
import type { SmokeCheck } from './types.ts';

/**
 * Every service component has a readiness check, or says here why not: a component added
 * to COMPONENT_NAMES without a decision does not compile.
 */
const BY_COMPONENT: Record<ServiceComponent, SmokeCheck | { none: string }> = {
  postgres: postgresCheck,
  redis: redisCheck,
  kafka: kafkaCheck,
  opa: opaCheck,
  vault: vaultCheck,
  etcd: etcdCheck,
  prometheus: prometheusCheck,
  grafana: grafanaCheck,
  qdrant: { none: 'covered by the pods check only: no client-side check yet' },
  openfga: { none: 'covered by the pods check only: no client-side check yet' },
};

/** The checks in checklist order, then the network isolation check across components. */
export const SMOKE_CHECKS: readonly SmokeCheck[] = [
  ...Object.values(BY_COMPONENT).filter((c): c is SmokeCheck => !('none' in c)),
  networkPolicyCheck,
];

/** The name of the API-only check that every pod in soma-infra is Ready (no Job needed). */
export const PODS_CHECK = 'pods';
