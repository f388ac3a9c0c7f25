// Custom resources of the production operators, judged as Argo CD v3.5.3's shipped
// scripts judge them: each row is a live object and the status and message expected.
import { describe, expect, it } from 'vitest';
import { assessHealth, hasHealthCheck, type HealthStatus } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';

type Row = [name: string, o: KubeObject, status: HealthStatus, message: string | RegExp];

function obj(
  apiVersion: string,
  kind: string,
  status?: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: 'x', namespace: 'soma-infra', ...(annotations ? { annotations } : {}) },
    spec: {},
    ...(status ? { status } : {}),
  };
}
const cond = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});
const ready = cond('Ready', 'True', 'ClusterIsReady');

const pg = (status?: Record<string, unknown>, annotations?: Record<string, string>) =>
  obj('postgresql.cnpg.io/v1', 'Cluster', status, annotations);
const kafka = (kind: string, conditions?: unknown[]) =>
  obj('kafka.strimzi.io/v1', kind, conditions ? { conditions } : undefined);
const cm = (kind: string, conditions?: unknown[]) =>
  obj('cert-manager.io/v1', kind, conditions ? { conditions } : undefined);

const CNPG: Row[] = [
  ['healthy cluster', pg({ phase: 'Cluster in healthy state', phaseReason: '', conditions: [ready] }), 'Healthy', ''],
  [
    'creating a replica',
    pg({ phase: 'Creating a new replica', phaseReason: 'Creating replica postgres-2', conditions: [] }),
    'Progressing',
    'Creating replica postgres-2',
  ],
  [
    'failing over',
    pg({ phase: 'Failing over', phaseReason: 'primary postgres-1 is gone', conditions: [] }),
    'Degraded',
    'primary postgres-1 is gone',
  ],
  [
    'needs manual intervention',
    pg({ phase: 'Cluster is unrecoverable and needs manual intervention', conditions: [] }),
    'Suspended',
    '',
  ],
  [
    'a phase the script does not list',
    pg({ phase: 'Doing something new', phaseReason: 'why', conditions: [] }),
    'Unknown',
    'why',
  ],
  ['a phase named like an object property', pg({ phase: 'constructor', conditions: [] }), 'Unknown', ''],
  [
    'reconciliation disabled by annotation',
    pg({ phase: 'Failing over', conditions: [] }, { 'cnpg.io/reconciliationLoop': 'disabled' }),
    'Suspended',
    'Cluster reconciliation is suspended',
  ],
  [
    'hibernated',
    pg({
      phase: 'Cluster in healthy state',
      conditions: [cond('cnpg.io/hibernation', 'True', 'Hibernated', 'Cluster has been hibernated')],
    }),
    'Suspended',
    'Cluster has been hibernated',
  ],
  [
    'hibernation failed',
    pg({
      phase: 'Cluster in healthy state',
      conditions: [cond('cnpg.io/hibernation', 'False', 'Failed', 'cannot hibernate')],
    }),
    'Degraded',
    'cannot hibernate',
  ],
  [
    'status without conditions yet',
    pg({ phase: 'Setting up primary', phaseReason: 'initdb' }),
    'Progressing',
    'initdb',
  ],
  ['no status at all (the script fails: Unknown)', pg(), 'Unknown', /cannot assess health/],
];

const STRIMZI: Row[] = [
  ['Kafka ready', kafka('Kafka', [ready]), 'Healthy', ''],
  ['Kafka without status', kafka('Kafka'), 'Progressing', 'Waiting for Kafka Cluster'],
  [
    'Kafka NotReady while being created',
    kafka('Kafka', [cond('NotReady', 'True', 'Creating', 'creating')]),
    'Progressing',
    'Waiting for Kafka Cluster',
  ],
  [
    'Kafka NotReady for another reason',
    kafka('Kafka', [cond('NotReady', 'True', 'InvalidResourceException', 'bad listener')]),
    'Degraded',
    'bad listener',
  ],
  [
    'Kafka Ready False only',
    kafka('Kafka', [cond('Ready', 'False', 'Reconciling')]),
    'Progressing',
    'Waiting for Kafka Cluster',
  ],
  [
    'Kafka: the first decisive condition wins',
    kafka('Kafka', [ready, cond('NotReady', 'True', 'Boom', 'later')]),
    'Healthy',
    '',
  ],
  ['KafkaTopic ready', kafka('KafkaTopic', [ready]), 'Healthy', ''],
  [
    'KafkaTopic NotReady, even while creating',
    kafka('KafkaTopic', [cond('NotReady', 'True', 'Creating', 'topic pending')]),
    'Degraded',
    'topic pending',
  ],
  ['KafkaTopic waiting', kafka('KafkaTopic', []), 'Progressing', 'Waiting for Kafka Topic'],
  ['KafkaUser ready', kafka('KafkaUser', [ready]), 'Healthy', ''],
  [
    'KafkaUser NotReady',
    kafka('KafkaUser', [cond('NotReady', 'True', 'InvalidAcl', 'acl rejected')]),
    'Degraded',
    'acl rejected',
  ],
  ['KafkaUser waiting', kafka('KafkaUser'), 'Progressing', 'Waiting for Kafka User'],
];

const CERT_MANAGER: Row[] = [
  [
    'Certificate ready',
    cm('Certificate', [cond('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')]),
    'Healthy',
    'Certificate is up to date and has not expired',
  ],
  [
    'Certificate not ready',
    cm('Certificate', [cond('Ready', 'False', 'DoesNotExist', 'Issuing certificate as Secret does not exist')]),
    'Degraded',
    'Issuing certificate as Secret does not exist',
  ],
  [
    'Certificate issuing wins over Ready',
    cm('Certificate', [
      cond('Ready', 'True', 'Ready', 'ok'),
      cond('Issuing', 'True', 'Renewing', 'Renewing certificate as renewal was scheduled'),
    ]),
    'Progressing',
    'Renewing certificate as renewal was scheduled',
  ],
  ['Certificate without status', cm('Certificate'), 'Progressing', 'Waiting for certificate'],
  [
    'Issuer ready',
    cm('Issuer', [cond('Ready', 'True', 'KeyPairVerified', 'Signing CA verified')]),
    'Healthy',
    'Signing CA verified',
  ],
  [
    'Issuer failing',
    cm('Issuer', [cond('Ready', 'False', 'ErrGetKeyPair', 'secret "ca" not found')]),
    'Degraded',
    'secret "ca" not found',
  ],
  ['Issuer without status', cm('Issuer'), 'Progressing', 'Initializing issuer'],
  [
    'ClusterIssuer ready',
    cm('ClusterIssuer', [cond('Ready', 'True', 'ACMEAccountRegistered', 'The ACME account was registered')]),
    'Healthy',
    'The ACME account was registered',
  ],
  ['ClusterIssuer without status', cm('ClusterIssuer'), 'Progressing', 'Initializing ClusterIssuer'],
];

describe.each([
  ['CloudNativePG Cluster', CNPG],
  ['Strimzi', STRIMZI],
  ['cert-manager', CERT_MANAGER],
] as const)('%s', (_group, rows) => {
  it.each(rows)('%s', (_name, o, status, message) => {
    expect(hasHealthCheck(o)).toBe(true);
    const got = assessHealth(o);
    expect(got.status).toBe(status);
    if (typeof message === 'string') expect(got.message).toBe(message);
    else expect(got.message).toMatch(message);
  });
});
