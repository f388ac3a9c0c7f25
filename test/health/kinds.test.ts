// The kinds Argo CD v3.5.3 judges with a shipped health script or a check outside the
// workload set: each row is a live object and the status and message Argo CD gives it,
// worked out from what its check does (not copied from its test data).
import { describe, expect, it } from 'vitest';
import { assessHealth, hasHealthCheck, type HealthStatus } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';

type Row = [name: string, o: KubeObject, status: HealthStatus, message: string | RegExp];

function obj(
  apiVersion: string,
  kind: string,
  status?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: 'x', namespace: 'soma-infra', ...extra },
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

const pdb = (conditions?: unknown[]) =>
  obj('policy/v1', 'PodDisruptionBudget', conditions ? { conditions } : undefined);
const crd = (conditions?: unknown[]) =>
  obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', conditions ? { conditions } : {});
const apisvc = (conditions: unknown[]) => obj('apiregistration.k8s.io/v1', 'APIService', { conditions });
const cron = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  ...obj('batch/v1', 'CronJob', status),
  spec: { schedule: '0 3 * * *', ...spec },
});

const ROWS: Row[] = [
  // CronJob (Argo CD's script; suspended is Healthy since 3.4)
  [
    'cronjob suspended',
    cron({ suspend: true }, { lastScheduleTime: '2026-01-02T03:00:00Z' }),
    'Healthy',
    'CronJob is Suspended',
  ],
  ['cronjob without status', cron({}), 'Progressing', 'Waiting for CronJob'],
  ['cronjob never scheduled', cron({}, {}), 'Healthy', 'CronJob has not been scheduled yet'],
  [
    'cronjob scheduled, never succeeded',
    cron({}, { lastScheduleTime: '2026-01-02T03:00:00Z' }),
    'Healthy',
    'The CronJob never completed successfully. It may not be healthy',
  ],
  [
    'cronjob running after a failure',
    cron(
      {},
      { lastScheduleTime: '2026-01-03T03:00:00Z', lastSuccessfulTime: '2026-01-02T03:00:41Z', active: [{ name: 'j' }] },
    ),
    'Healthy',
    'The job is running. Its last execution may not have been successful',
  ],
  [
    'cronjob last run failed',
    cron({}, { lastScheduleTime: '2026-01-03T03:00:00Z', lastSuccessfulTime: '2026-01-02T03:00:41Z' }),
    'Degraded',
    'CronJob has not completed its last execution successfully',
  ],
  [
    'cronjob last run succeeded',
    cron({}, { lastScheduleTime: '2026-01-03T03:00:00Z', lastSuccessfulTime: '2026-01-03T03:01:10Z' }),
    'Healthy',
    'CronJob has completed its last execution successfully',
  ],
  // PodDisruptionBudget
  ['pdb without status', pdb(), 'Progressing', 'Waiting for status'],
  [
    'pdb allowing disruptions',
    pdb([cond('DisruptionAllowed', 'True', 'SufficientPods')]),
    'Healthy',
    'PodDisruptionBudget has SufficientPods',
  ],
  [
    'pdb with too few pods is still Healthy',
    pdb([cond('DisruptionAllowed', 'False', 'InsufficientPods')]),
    'Healthy',
    'PodDisruptionBudget has InsufficientPods',
  ],
  [
    'pdb the controller cannot work out',
    pdb([cond('DisruptionAllowed', 'False', 'SyncFailed', 'no controller')]),
    'Degraded',
    'PodDisruptionBudget has SyncFailed',
  ],
  ['pdb condition without a reason', pdb([cond('DisruptionAllowed', 'True')]), 'Unknown', /cannot assess health/],
  // CustomResourceDefinition
  [
    'crd established',
    crd([cond('NamesAccepted', 'True', 'NoConflicts'), cond('Established', 'True', 'InitialNamesAccepted')]),
    'Healthy',
    'CRD is healthy',
  ],
  ['crd without conditions', crd([]), 'Progressing', 'Status conditions not found'],
  ['crd with an empty status', crd(), 'Progressing', 'Status conditions not found'],
  [
    'crd without status at all',
    obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
    'Unknown',
    /cannot assess health/,
  ],
  ['crd installing', crd([cond('Established', 'False', 'Installing')]), 'Progressing', 'CRD is being installed'],
  [
    'crd names rejected',
    crd([cond('NamesAccepted', 'False', 'MultipleConflicts', 'plural "clusters" is already in use')]),
    'Degraded',
    'CRD names have not been accepted: plural "clusters" is already in use',
  ],
  [
    'crd with a non-structural schema',
    crd([
      cond('NonStructuralSchema', 'True', 'Violations', 'spec.versions[0]: missing type'),
      cond('Established', 'True'),
    ]),
    'Degraded',
    'Schema violations found: spec.versions[0]: missing type',
  ],
  [
    'crd terminating',
    crd([cond('Terminating', 'True', 'InstanceDeletionInProgress', 'deleting 3 instances')]),
    'Progressing',
    'CRD is terminating: deleting 3 instances',
  ],
  [
    'crd being deleted as a sync hook (past "Pending deletion")',
    {
      ...crd([cond('Established', 'True')]),
      metadata: {
        name: 'x',
        deletionTimestamp: '2026-01-01T00:00:00Z',
        finalizers: ['argocd.argoproj.io/hook-finalizer'],
      },
    },
    'Progressing',
    'CRD is terminating',
  ],
  ['crd never established', crd([cond('NamesAccepted', 'True')]), 'Degraded', 'CRD is not established'],
  // APIService (built in)
  [
    'apiservice available',
    apisvc([cond('Available', 'True', 'Passed', 'all checks passed')]),
    'Healthy',
    'Passed: all checks passed',
  ],
  [
    'apiservice unavailable',
    apisvc([cond('Available', 'False', 'MissingEndpoints', 'endpoints for service/metrics-server have no addresses')]),
    'Progressing',
    'MissingEndpoints: endpoints for service/metrics-server have no addresses',
  ],
  ['apiservice not processed yet', apisvc([]), 'Progressing', 'Waiting to be processed'],
];

describe('kinds judged by the checks Argo CD ships, with its messages', () => {
  it.each(ROWS)('%s', (_name, o, status, message) => {
    const got = assessHealth(o);
    expect(got.status).toBe(status);
    if (typeof message === 'string') expect(got.message).toBe(message);
    else expect(got.message).toMatch(message);
  });
});

describe('kinds without any check', () => {
  it.each([
    ['v1', 'ConfigMap'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['argoproj.io/v1alpha1', 'AppProject'],
    ['kafka.strimzi.io/v1', 'KafkaNodePool'],
    ['example.com/v1', 'Deployment'],
  ])('%s %s is Unknown and says why', (apiVersion, kind) => {
    const o = obj(apiVersion, kind);
    expect(hasHealthCheck(o)).toBe(false);
    expect(assessHealth(o)).toEqual({ status: 'Unknown', message: `no health check for ${kind} (${apiVersion})` });
  });
  it('an object being deleted is Pending deletion whatever its kind', () => {
    expect(assessHealth(obj('v1', 'ConfigMap', undefined, { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toEqual({
      status: 'Progressing',
      message: 'Pending deletion',
    });
  });
});
