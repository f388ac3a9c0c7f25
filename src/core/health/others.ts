// Argo CD's health rules for networking, storage, batch, autoscaling and its own
// Application kind. Service/Ingress/PVC/Job/HPA follow gitops-engine pkg/health; CronJob
// follows the health script Argo CD ships for batch/CronJob; Application follows the
// app-of-apps health customization the Argo CD docs give (its own status.health).
import type { KubeObject } from '../kube.ts';
import { dict, list, text } from './fields.ts';
import { HEALTH_STATUSES, type HealthAssessment, type HealthStatus } from './types.ts';

function hasLoadBalancerIngress(o: KubeObject): boolean {
  return list(dict(dict(o.status).loadBalancer).ingress).length > 0;
}

export function serviceHealth(o: KubeObject): HealthAssessment {
  if (dict(o.spec).type !== 'LoadBalancer') return { status: 'Healthy', message: '' };
  return hasLoadBalancerIngress(o)
    ? { status: 'Healthy', message: '' }
    : { status: 'Progressing', message: 'Waiting for the load balancer to get an address' };
}

export function ingressHealth(o: KubeObject): HealthAssessment {
  return hasLoadBalancerIngress(o)
    ? { status: 'Healthy', message: '' }
    : { status: 'Progressing', message: 'Waiting for the ingress controller to publish an address' };
}

export function pvcHealth(o: KubeObject): HealthAssessment {
  const phase = text(dict(o.status).phase);
  switch (phase) {
    case 'Bound':
      return { status: 'Healthy', message: '' };
    case 'Pending':
      return { status: 'Progressing', message: 'Waiting for the claim to be bound to a volume' };
    case 'Lost':
      return { status: 'Degraded', message: 'The volume bound to this claim was lost' };
    default:
      return { status: 'Unknown', message: phase ? `unknown phase ${phase}` : 'no status.phase yet' };
  }
}

export function jobHealth(o: KubeObject): HealthAssessment {
  // A condition of any of these types ends the Job's run (Suspended only while True).
  let finished = false;
  let failed: string | undefined;
  let suspended = false;
  let message = '';
  for (const c of list(dict(o.status).conditions)) {
    if (c.type === 'Failed') {
      finished = true;
      failed = text(c.message);
    } else if (c.type === 'Complete' || c.type === 'Suspended') {
      finished = true;
      message = text(c.message);
      if (c.type === 'Suspended' && c.status === 'True') suspended = true;
    }
  }
  if (!finished) return { status: 'Progressing', message };
  if (failed !== undefined) return { status: 'Degraded', message: failed || 'Job failed' };
  if (suspended) return { status: 'Suspended', message: message || 'Job is suspended' };
  return { status: 'Healthy', message };
}

export function cronJobHealth(o: KubeObject): HealthAssessment {
  if (dict(o.spec).suspend === true) return { status: 'Suspended', message: 'CronJob is suspended' };
  if (o.status === undefined || o.status === null) return { status: 'Progressing', message: 'Waiting for the CronJob controller' };
  const status = dict(o.status);
  const scheduled = text(status.lastScheduleTime);
  const succeeded = text(status.lastSuccessfulTime);
  if (!scheduled) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  // Without a success or with a run in flight the last result is not known: Argo CD says Healthy.
  if (!succeeded) return { status: 'Healthy', message: 'CronJob has not completed a run yet' };
  if (list(status.active).length > 0) return { status: 'Healthy', message: 'A run is in progress' };
  if (Date.parse(succeeded) < Date.parse(scheduled)) {
    return { status: 'Degraded', message: 'The last scheduled run of the CronJob did not succeed' };
  }
  return { status: 'Healthy', message: 'The last scheduled run succeeded' };
}

interface HpaCondition {
  type: string;
  reason: string;
  status: string;
  message: string;
}

const HPA_DEGRADED = new Set([
  'AbleToScale/FailedGetScale',
  'AbleToScale/FailedUpdateScale',
  'ScalingActive/FailedGetResourceMetric',
  'ScalingActive/InvalidSelector',
]);
const HPA_WAITING: HealthAssessment = { status: 'Progressing', message: 'Waiting to autoscale' };

function hpaConditions(o: KubeObject): HpaCondition[] | undefined {
  // autoscaling/v1 has no status.conditions: the controller publishes them in an annotation.
  if (o.apiVersion === 'autoscaling/v1') {
    const raw = o.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
    if (raw === undefined) return undefined;
    const parsed: unknown = JSON.parse(raw);
    return list(parsed).map((c) => ({ type: text(c.type), reason: text(c.reason), status: text(c.status), message: text(c.message) }));
  }
  return list(dict(o.status).conditions).map((c) => ({
    type: text(c.type),
    reason: text(c.reason),
    status: text(c.status),
    message: text(c.message),
  }));
}

export function hpaHealth(o: KubeObject): HealthAssessment {
  let conditions: HpaCondition[] | undefined;
  try {
    conditions = hpaConditions(o);
  } catch (e) {
    return { status: 'Unknown', message: `cannot read the conditions annotation: ${(e as Error).message}` };
  }
  if (!conditions?.length) return HPA_WAITING;
  const degraded = conditions.find((c) => HPA_DEGRADED.has(`${c.type}/${c.reason}`));
  if (degraded) return { status: 'Degraded', message: degraded.message };
  const healthy = conditions.filter((c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True');
  if (healthy.length === conditions.length) return { status: 'Healthy', message: healthy.map((c) => c.message).join(',') };
  return HPA_WAITING;
}

export function applicationHealth(o: KubeObject): HealthAssessment {
  const health = dict(dict(o.status).health);
  const status = text(health.status);
  if (!status) return { status: 'Progressing', message: 'Waiting for Argo CD to assess the Application' };
  if (!(HEALTH_STATUSES as readonly string[]).includes(status)) return { status: 'Unknown', message: `unknown health status ${status}` };
  return { status: status as HealthStatus, message: text(health.message) };
}
