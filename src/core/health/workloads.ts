// Argo CD's built-in health rules for workload controllers and Pods (gitops-engine
// pkg/health), re-implemented on plain objects. They follow `kubectl rollout status`:
// nothing counts as done until the controller has observed the latest generation.
import type { KubeObject } from '../kube.ts';
import { condition, dict, int, isObject, list, optInt, text } from './fields.ts';
import type { HealthAssessment } from './types.ts';

const progressing = (message: string): HealthAssessment => ({ status: 'Progressing', message });

function generations(o: KubeObject): { generation: number; observed: number } {
  return { generation: int(o.metadata.generation), observed: int(dict(o.status).observedGeneration) };
}

export function deploymentHealth(o: KubeObject): HealthAssessment {
  const spec = dict(o.spec);
  const status = dict(o.status);
  if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  const { generation, observed } = generations(o);
  if (generation > observed)
    return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  if (text(condition(status, 'Progressing')?.reason) === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${o.metadata.name}" exceeded its progress deadline` };
  }
  const desired = optInt(spec.replicas);
  const updated = int(status.updatedReplicas);
  const total = int(status.replicas);
  const available = int(status.availableReplicas);
  if (desired !== undefined && updated < desired)
    return progressing(`Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`);
  if (total > updated)
    return progressing(`Waiting for rollout to finish: ${total - updated} old replicas are pending termination...`);
  if (available < updated)
    return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  return { status: 'Healthy', message: '' };
}

export function statefulSetHealth(o: KubeObject): HealthAssessment {
  const spec = dict(o.spec);
  const status = dict(o.status);
  const { generation, observed } = generations(o);
  if (observed === 0 || generation > observed)
    return progressing('Waiting for statefulset spec update to be observed...');
  const desired = optInt(spec.replicas);
  const ready = int(status.readyReplicas);
  const updated = int(status.updatedReplicas);
  if (desired !== undefined && ready < desired)
    return progressing(`Waiting for ${desired - ready} pods to be ready...`);
  const strategy = dict(spec.updateStrategy);
  // As given, no default: the API server always sets the type, and Argo CD reads it unset as neither strategy.
  const type = text(strategy.type);
  if (type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) {
    const partition = optInt(dict(strategy.rollingUpdate).partition);
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return progressing(
        `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`,
      );
    }
    return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (type === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  const current = text(status.currentRevision);
  const update = text(status.updateRevision);
  if (update !== current)
    return progressing(`waiting for statefulset rolling update to complete ${updated} pods at revision ${update}...`);
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${int(status.currentReplicas)} pods at revision ${current}...`,
  };
}

export function daemonSetHealth(o: KubeObject): HealthAssessment {
  const status = dict(o.status);
  const { generation, observed } = generations(o);
  if (generation > observed)
    return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  const desired = int(status.desiredNumberScheduled);
  const updated = int(status.updatedNumberScheduled);
  const available = int(status.numberAvailable);
  if (text(dict(dict(o.spec).updateStrategy).type) === 'OnDelete') {
    return { status: 'Healthy', message: `daemon set ${updated} out of ${desired} new pods have been updated` };
  }
  if (updated < desired)
    return progressing(
      `Waiting for daemon set "${o.metadata.name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    );
  if (available < desired)
    return progressing(
      `Waiting for daemon set "${o.metadata.name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    );
  return { status: 'Healthy', message: '' };
}

export function replicaSetHealth(o: KubeObject): HealthAssessment {
  const status = dict(o.status);
  const { generation, observed } = generations(o);
  if (generation > observed)
    return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');
  const failure = condition(status, 'ReplicaFailure');
  if (failure && failure.status === 'True') return { status: 'Degraded', message: text(failure.message) };
  const desired = optInt(dict(o.spec).replicas);
  const available = int(status.availableReplicas);
  if (desired !== undefined && available < desired)
    return progressing(`Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`);
  return { status: 'Healthy', message: '' };
}

// Waiting reasons that mean the container will not start by itself (ErrImagePull,
// CreateContainerConfigError, CrashLoopBackOff, ImagePullBackOff, ...).
function isStuckReason(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

function terminatedMessage(c: Record<string, unknown>): string {
  const t = dict(dict(c.state).terminated);
  if (!Object.keys(t).length) return '';
  if (text(t.message)) return text(t.message);
  if (t.reason === 'OOMKilled') return 'OOMKilled';
  if (int(t.exitCode) !== 0) return `container "${text(c.name)}" failed with exit code ${int(t.exitCode)}`;
  return '';
}

export function podHealth(o: KubeObject): HealthAssessment {
  const spec = dict(o.spec);
  const status = dict(o.status);
  // Read as given: the API server always fills it in, and Argo CD has no default of its own.
  const restart = text(spec.restartPolicy);
  const message = text(status.message);
  const containers = list(status.containerStatuses);
  // Only long-running pods: a hook pod stuck pulling its image must not fail a sync early.
  if (restart === 'Always') {
    const stuck = containers.map((c) => dict(dict(c.state).waiting)).filter((w) => isStuckReason(text(w.reason)));
    if (stuck.length) return { status: 'Degraded', message: stuck.map((w) => text(w.message)).join(', ') };
  }
  switch (text(status.phase)) {
    case 'Pending':
      return progressing(message);
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed': {
      if (message) return { status: 'Degraded', message };
      const all = [...list(status.initContainerStatuses), ...containers];
      return { status: 'Degraded', message: all.map(terminatedMessage).find(Boolean) ?? '' };
    }
    case 'Running':
      return runningPodHealth(o, restart, containers, message);
    default:
      return { status: 'Unknown', message };
  }
}

function runningPodHealth(
  o: KubeObject,
  restart: string,
  containers: Record<string, unknown>[],
  message: string,
): HealthAssessment {
  // Pods meant to finish (hooks, one-off runs) are Progressing until they do. Argo CD
  // v3.5 has no annotation to opt out of this (see docs/operations.md).
  if (restart === 'OnFailure' || restart === 'Never') return progressing(message);
  if (restart !== 'Always') return { status: 'Unknown', message };
  const ready = condition(dict(o.status), 'Ready');
  if (ready?.status === 'True') return { status: 'Healthy', message };
  if (containers.some((c) => isObject(dict(c.lastState).terminated))) return { status: 'Degraded', message };
  return progressing(message);
}
