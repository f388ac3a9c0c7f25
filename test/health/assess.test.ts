// Table-driven: each row is a live object as the API server would return it and the
// status Argo CD's built-in check gives it. The rows cover every rule branch, including
// the edge cases the issue names (observed generation behind, progress deadline, paused,
// partitioned StatefulSet rollout, LoadBalancer without ingress, PVC Pending, failed Job,
// suspended Job/CronJob).
import { describe, expect, it } from 'vitest';
import { assessHealth, hasHealthCheck, worstHealth, type HealthStatus } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';

type Case = [name: string, o: KubeObject, status: HealthStatus, message?: RegExp | string];

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'soma-infra', ...extra });

function deploy(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('opa', { generation }),
    spec: { replicas: 2, ...spec },
    status: { observedGeneration: 2, ...status },
  };
}
const deployDone = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

function sts(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 3): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('postgres', { generation }),
    spec: { replicas: 3, ...spec },
    status: {
      observedGeneration: 3,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: 'postgres-7d',
      updateRevision: 'postgres-7d',
      ...status,
    },
  };
}

function ds(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('agent', { generation }),
    spec,
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      ...status,
    },
  };
}

function rs(status: Record<string, unknown>, generation = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('opa-5f', { generation }),
    spec: { replicas: 2 },
    status: { observedGeneration: 1, availableReplicas: 2, ...status },
  };
}

function pod(
  status: Record<string, unknown>,
  spec: Record<string, unknown> = { restartPolicy: 'Always' },
  annotations?: Record<string, string>,
): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta('redis-0', annotations ? { annotations } : {}), spec, status };
}
const ready = { type: 'Ready', status: 'True' };
const notReady = { type: 'Ready', status: 'False' };

const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta('grafana'),
  spec,
  status,
});
const ing = (status: Record<string, unknown>, apiVersion = 'networking.k8s.io/v1'): KubeObject => ({
  apiVersion,
  kind: 'Ingress',
  metadata: meta('grafana'),
  spec: {},
  status,
});
const pvc = (phase?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: meta('data-postgres-0'),
  spec: {},
  status: phase ? { phase } : {},
});
const job = (conditions: Record<string, unknown>[], spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: meta('backup'),
  spec,
  status: { conditions },
});
const cron = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: meta('pg-backup'),
  spec: { schedule: '0 3 * * *', ...spec },
  ...(status ? { status } : {}),
});
const hpa = (conditions: Record<string, unknown>[]): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta('opa'),
  spec: {},
  status: { conditions },
});
const app = (status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'kind-soma-redis', namespace: 'argocd' },
  spec: {},
  ...(status ? { status } : {}),
});

const CASES: Case[] = [
  // Deployment
  ['deployment rolled out', deploy({}, deployDone), 'Healthy'],
  ['deployment paused', deploy({ paused: true }, deployDone), 'Suspended', /paused/],
  ['deployment observed generation behind', deploy({}, deployDone, 3), 'Progressing', /generation/],
  [
    'deployment progress deadline exceeded',
    deploy(
      {},
      {
        ...deployDone,
        updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    ),
    'Degraded',
    /progress deadline/,
  ],
  [
    'deployment deadline not checked before generation is observed',
    deploy({}, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }, 5),
    'Progressing',
  ],
  [
    'deployment new replicas not all updated',
    deploy({}, { ...deployDone, updatedReplicas: 1 }),
    'Progressing',
    /^Waiting for rollout to finish: 1 out of 2 new replicas have been updated\.\.\.$/,
  ],
  ['deployment old replicas terminating', deploy({}, { ...deployDone, replicas: 3 }), 'Progressing', /1 old replicas/],
  [
    'deployment updated replicas not yet available',
    deploy({}, { ...deployDone, availableReplicas: 1 }),
    'Progressing',
    /1 of 2 updated/,
  ],
  ['deployment scaled to zero', deploy({ replicas: 0 }, {}), 'Healthy'],
  [
    'deployment with NewReplicaSetAvailable condition',
    deploy(
      {},
      { ...deployDone, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] },
    ),
    'Healthy',
  ],
  // StatefulSet
  ['statefulset all ready, same revision', sts({ updateStrategy: { type: 'RollingUpdate' } }, {}), 'Healthy'],
  ['statefulset never observed', sts({}, { observedGeneration: 0 }, 1), 'Progressing', /observed/],
  ['statefulset observed generation behind', sts({}, {}, 4), 'Progressing', /observed/],
  ['statefulset pods not ready', sts({}, { readyReplicas: 1 }), 'Progressing', /2 pods/],
  [
    'statefulset partitioned rollout in progress',
    sts(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { updatedReplicas: 1, updateRevision: 'postgres-8e' },
    ),
    'Progressing',
    /partitioned/i,
  ],
  [
    'statefulset partitioned rollout done up to the partition',
    sts(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      { updatedReplicas: 2, updateRevision: 'postgres-8e' },
    ),
    'Healthy',
    /partitioned/i,
  ],
  [
    'statefulset rolling update revision differs',
    sts({ updateStrategy: { type: 'RollingUpdate' } }, { updatedReplicas: 1, updateRevision: 'postgres-8e' }),
    'Progressing',
    /postgres-8e/,
  ],
  [
    'statefulset without a strategy type compares revisions (Argo CD assumes no default)',
    sts({ updateStrategy: { rollingUpdate: { partition: 1 } } }, { updatedReplicas: 1, updateRevision: 'postgres-8e' }),
    'Progressing',
    /^waiting for statefulset rolling update to complete 1 pods at revision postgres-8e\.\.\.$/,
  ],
  [
    'statefulset RollingUpdate with rollingUpdate: null compares revisions',
    sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: null } }, {}),
    'Healthy',
    /^statefulset rolling update complete 3 pods at revision postgres-7d\.\.\.$/,
  ],
  [
    'statefulset OnDelete ignores revisions',
    sts({ updateStrategy: { type: 'OnDelete' } }, { updatedReplicas: 0, updateRevision: 'postgres-8e' }),
    'Healthy',
  ],
  // DaemonSet
  ['daemonset rolled out', ds({}, {}), 'Healthy'],
  ['daemonset generation behind', ds({}, {}, 2), 'Progressing'],
  [
    'daemonset pods not updated',
    ds({}, { updatedNumberScheduled: 1 }),
    'Progressing',
    /^Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated\.\.\.$/,
  ],
  ['daemonset pods not available', ds({}, { numberAvailable: 2 }), 'Progressing', /2 of 3/],
  ['daemonset OnDelete', ds({ updateStrategy: { type: 'OnDelete' } }, { updatedNumberScheduled: 0 }), 'Healthy'],
  // ReplicaSet
  ['replicaset available', rs({}), 'Healthy'],
  [
    'replicaset replica failure',
    rs({
      conditions: [{ type: 'ReplicaFailure', status: 'True', message: 'pods "opa-5f" is forbidden: exceeded quota' }],
    }),
    'Degraded',
    /quota/,
  ],
  ['replicaset short of replicas', rs({ availableReplicas: 1 }), 'Progressing'],
  ['replicaset generation behind', rs({}, 2), 'Progressing'],
  // Pod
  ['pod running and ready', pod({ phase: 'Running', conditions: [ready] }), 'Healthy'],
  ['pod pending', pod({ phase: 'Pending', message: '0/1 nodes are available' }), 'Progressing', /nodes/],
  [
    'pod crash looping',
    pod({
      phase: 'Running',
      conditions: [notReady],
      containerStatuses: [
        {
          name: 'redis',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
        },
      ],
    }),
    'Degraded',
    /back-off/,
  ],
  [
    'pod image pull error',
    pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'redis', state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } },
      ],
    }),
    'Degraded',
    /manifest unknown/,
  ],
  [
    'hook pod (Never) pulling image is not degraded early',
    pod(
      { phase: 'Pending', containerStatuses: [{ name: 'hook', state: { waiting: { reason: 'ImagePullBackOff' } } }] },
      { restartPolicy: 'Never' },
    ),
    'Progressing',
  ],
  [
    'pod running, not ready, restarted before',
    pod({
      phase: 'Running',
      conditions: [notReady],
      containerStatuses: [{ name: 'redis', lastState: { terminated: { exitCode: 1 } }, state: { running: {} } }],
    }),
    'Degraded',
  ],
  [
    'pod running, not ready yet',
    pod({ phase: 'Running', conditions: [notReady], containerStatuses: [{ name: 'redis', state: { running: {} } }] }),
    'Progressing',
  ],
  [
    'run-to-completion pod running',
    pod({ phase: 'Running', conditions: [ready] }, { restartPolicy: 'OnFailure' }),
    'Progressing',
  ],
  // Argo CD v3.5 has no annotation that lifts this (it arrives in a later release, "true" only, never on hooks).
  [
    'run-to-completion pod annotated ignore-restart-policy: "true"',
    pod(
      { phase: 'Running', conditions: [ready] },
      { restartPolicy: 'OnFailure' },
      { 'argocd.argoproj.io/ignore-restart-policy': 'true' },
    ),
    'Progressing',
  ],
  [
    'run-to-completion pod annotated ignore-restart-policy: "false"',
    pod(
      { phase: 'Running', conditions: [ready] },
      { restartPolicy: 'Never' },
      { 'argocd.argoproj.io/ignore-restart-policy': 'false' },
    ),
    'Progressing',
  ],
  [
    'annotated Never pod stuck pulling its image is still not degraded early',
    pod(
      {
        phase: 'Pending',
        containerStatuses: [
          { name: 'job', state: { waiting: { reason: 'ImagePullBackOff', message: 'pull failed' } } },
        ],
      },
      { restartPolicy: 'Never' },
      { 'argocd.argoproj.io/ignore-restart-policy': 'true' },
    ),
    'Progressing',
  ],
  [
    'hook pod with the annotation stays Progressing while running',
    pod(
      { phase: 'Running', conditions: [ready] },
      { restartPolicy: 'Never' },
      { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/ignore-restart-policy': 'true' },
    ),
    'Progressing',
  ],
  [
    'running pod without a restart policy is Unknown (the API server always sets one)',
    pod({ phase: 'Running', conditions: [ready] }, {}),
    'Unknown',
  ],
  ['pod succeeded', pod({ phase: 'Succeeded' }, { restartPolicy: 'Never' }), 'Healthy'],
  [
    'pod failed with OOMKilled',
    pod(
      {
        phase: 'Failed',
        containerStatuses: [{ name: 'smoke', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
      },
      { restartPolicy: 'Never' },
    ),
    'Degraded',
    /OOMKilled/,
  ],
  [
    'pod failed with exit code',
    pod(
      { phase: 'Failed', containerStatuses: [{ name: 'smoke', state: { terminated: { exitCode: 2 } } }] },
      { restartPolicy: 'Never' },
    ),
    'Degraded',
    /exit code 2/,
  ],
  ['pod phase unknown', pod({ phase: 'Unknown' }), 'Unknown'],
  // Service, Ingress
  ['ClusterIP service', svc({ type: 'ClusterIP', clusterIP: '10.96.0.12' }), 'Healthy', ''],
  [
    'LoadBalancer without ingress (no message, as in Argo CD)',
    svc({ type: 'LoadBalancer' }, { loadBalancer: {} }),
    'Progressing',
    '',
  ],
  [
    'LoadBalancer with ingress',
    svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '172.18.0.3' }] } }),
    'Healthy',
  ],
  ['ingress without address', ing({ loadBalancer: {} }), 'Progressing', ''],
  ['ingress with hostname', ing({ loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }), 'Healthy'],
  // PVC
  ['pvc bound', pvc('Bound'), 'Healthy'],
  ['pvc pending', pvc('Pending'), 'Progressing'],
  ['pvc lost', pvc('Lost'), 'Degraded'],
  [
    'pvc without phase (the installed script: Progressing)',
    pvc(),
    'Progressing',
    /^waiting for the claim to be bound$/,
  ],
  // Job, CronJob
  ['job running', job([]), 'Progressing'],
  ['job complete', job([{ type: 'Complete', status: 'True' }]), 'Healthy'],
  [
    'job failed',
    job([{ type: 'Failed', status: 'True', message: 'Job has reached the specified backoff limit' }]),
    'Degraded',
    /backoff limit/,
  ],
  [
    'job suspended',
    job([{ type: 'Suspended', status: 'True', message: 'Job suspended' }], { suspend: true }),
    'Suspended',
    '',
  ],
  ['job resumed after suspension', job([{ type: 'Suspended', status: 'False', message: 'Job resumed' }]), 'Healthy'],
  ['cronjob suspended is Healthy since Argo CD 3.4', cron({ suspend: true }, {}), 'Healthy', /^CronJob is Suspended$/],
  ['cronjob never scheduled', cron({}, {}), 'Healthy', /not been scheduled/],
  ['cronjob without status', cron({}), 'Progressing'],
  [
    'cronjob last run succeeded',
    cron({}, { lastScheduleTime: '2025-01-02T03:00:00Z', lastSuccessfulTime: '2025-01-02T03:00:41Z' }),
    'Healthy',
  ],
  [
    'cronjob last run failed',
    cron({}, { lastScheduleTime: '2025-01-03T03:00:00Z', lastSuccessfulTime: '2025-01-02T03:00:41Z' }),
    'Degraded',
  ],
  [
    'cronjob run in progress after a failure',
    cron(
      {},
      {
        lastScheduleTime: '2025-01-03T03:00:00Z',
        lastSuccessfulTime: '2025-01-02T03:00:41Z',
        active: [{ name: 'pg-backup-1' }],
      },
    ),
    'Healthy',
  ],
  // HPA
  [
    'hpa able to scale',
    hpa([{ type: 'AbleToScale', status: 'True', message: 'recommended size matches current size' }]),
    'Healthy',
  ],
  [
    'hpa cannot get metrics',
    hpa([
      { type: 'AbleToScale', status: 'True' },
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'missing request for cpu' },
    ]),
    'Degraded',
    /missing request/,
  ],
  ['hpa without conditions yet', hpa([]), 'Progressing'],
  [
    'hpa working normally (AbleToScale and ScalingActive both True)',
    hpa([
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      },
      { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' },
    ]),
    'Healthy',
    /^recommended size matches current size$/,
  ],
  [
    'hpa only ScalingActive True is still waiting',
    hpa([{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }]),
    'Progressing',
    /^Waiting to Autoscale$/,
  ],
  [
    'hpa at its limit is Healthy',
    hpa([
      {
        type: 'ScalingLimited',
        status: 'True',
        reason: 'TooFewReplicas',
        message: 'the desired replica count is less than the minimum',
      },
    ]),
    'Healthy',
    /minimum/,
  ],
  ...[
    'FailedGetObjectMetric',
    'FailedGetPodsMetric',
    'FailedGetExternalMetric',
    'FailedComputeMetricsReplicas',
    'InvalidSelector',
  ].map((reason): Case => [
    `hpa ScalingActive ${reason}`,
    hpa([
      { type: 'AbleToScale', status: 'True' },
      { type: 'ScalingActive', status: 'False', reason, message: `m-${reason}` },
    ]),
    'Degraded',
    new RegExp(`^m-${reason}$`),
  ]),
  [
    'hpa AbleToScale FailedUpdateScale',
    hpa([{ type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: 'forbidden' }]),
    'Degraded',
    /^forbidden$/,
  ],
  [
    'hpa v1 conditions annotation',
    {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('opa', {
        annotations: {
          'autoscaling.alpha.kubernetes.io/conditions':
            '[{"type":"AbleToScale","status":"True","reason":"FailedGetScale","message":"no scale subresource"}]',
        },
      }),
      spec: {},
    },
    'Degraded',
    /no scale subresource/,
  ],
  [
    'hpa v1 broken annotation',
    {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('opa', { annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{' } }),
      spec: {},
    },
    'Unknown',
    /^failed to convert conditions annotation to typed: /,
  ],
  [
    'hpa v1 without the conditions annotation',
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('opa'), spec: {} },
    'Progressing',
    /^Waiting to Autoscale$/,
  ],
  // Argo CD's Go checks read one typed version each; any other is Unknown with its conversion error.
  [
    'hpa autoscaling/v2beta2 (not read by Argo CD v3.5)',
    { ...hpa([{ type: 'AbleToScale', status: 'True' }]), apiVersion: 'autoscaling/v2beta2' },
    'Unknown',
    /^unsupported HPA GVK: autoscaling\/v2beta2, Kind=HorizontalPodAutoscaler$/,
  ],
  [
    'deployment apps/v1beta2',
    { ...deploy({}, deployDone), apiVersion: 'apps/v1beta2' },
    'Unknown',
    /^unsupported Deployment GVK: apps\/v1beta2, Kind=Deployment$/,
  ],
  [
    'apiservice v1beta1 is read like v1',
    {
      apiVersion: 'apiregistration.k8s.io/v1beta1',
      kind: 'APIService',
      metadata: meta('v1beta1.metrics.k8s.io'),
      spec: {},
      status: { conditions: [{ type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' }] },
    },
    'Healthy',
    /^Passed: all checks passed$/,
  ],
  [
    'ingress extensions/v1beta1 is read like networking.k8s.io/v1',
    ing({ loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } }, 'extensions/v1beta1'),
    'Healthy',
    '',
  ],
  // Argo CD Application
  ['application healthy', app({ health: { status: 'Healthy' } }), 'Healthy'],
  [
    'application degraded with message',
    app({ health: { status: 'Degraded', message: 'redis-0 crash looping' } }),
    'Degraded',
    /crash looping/,
  ],
  ['application not yet assessed', app(), 'Progressing'],
  ['application missing', app({ health: { status: 'Missing' } }), 'Missing'],
  // Shared rules
  [
    'object being deleted',
    { ...deploy({}, deployDone), metadata: meta('opa', { generation: 2, deletionTimestamp: '2025-01-01T00:00:00Z' }) },
    'Progressing',
    /deletion/,
  ],
  [
    'hook being deleted keeps its own health',
    {
      ...job([{ type: 'Complete', status: 'True' }]),
      metadata: meta('hook', {
        deletionTimestamp: '2025-01-01T00:00:00Z',
        finalizers: ['argocd.argoproj.io/hook-finalizer'],
      }),
    },
    'Healthy',
  ],
  [
    'kind without a check (ConfigMap) is Unknown, never Healthy',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('opa-policy'), data: {} },
    'Unknown',
    /^no health check for ConfigMap \(v1\)$/,
  ],
  [
    'a CRD named Deployment is not judged as one',
    {
      apiVersion: 'example.com/v1',
      kind: 'Deployment',
      metadata: meta('x', { generation: 9 }),
      spec: { paused: true },
    },
    'Unknown',
    /no health check for Deployment/,
  ],
];

describe('assessHealth agrees with Argo CD built-in checks', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));
  it.each(CASES)('%s', (_name, o, status, message) => {
    const got = assessHealth(o);
    expect(got.status).toBe(status);
    if (typeof message === 'string') expect(got.message).toBe(message);
    else if (message) expect(got.message).toMatch(message);
  });
});

describe('hasHealthCheck', () => {
  it('knows the built-in kinds by group and kind', () => {
    expect(hasHealthCheck({ apiVersion: 'apps/v1', kind: 'StatefulSet' })).toBe(true);
    expect(hasHealthCheck({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' })).toBe(true);
    expect(hasHealthCheck({ apiVersion: 'v1', kind: 'Secret' })).toBe(false);
    expect(hasHealthCheck({ apiVersion: 'example.com/v1', kind: 'Pod' })).toBe(false);
  });
});

describe('worstHealth', () => {
  it.each([
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Progressing', 'Suspended', 'Healthy'], 'Progressing'],
    [['Missing', 'Progressing'], 'Missing'],
    [['Degraded', 'Missing'], 'Degraded'],
    [['Degraded', 'Unknown', 'Healthy'], 'Unknown'],
    [[], 'Healthy'],
  ] as [HealthStatus[], HealthStatus][])('%j → %s', (input, expected) => {
    expect(worstHealth(input)).toBe(expected);
  });
});
