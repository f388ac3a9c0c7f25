// Argo CD's built-in health rules (gitops-engine pkg/health) for networking, batch,
// autoscaling and API aggregation. Messages are Argo CD's own, so `health` and
// `status --direct` print what the Argo CD UI would.
import type { KubeObject } from '../kube.ts';
import { dict, list, text } from './fields.ts';
import type { HealthAssessment } from './types.ts';

function hasLoadBalancerIngress(o: KubeObject): boolean {
  return list(dict(dict(o.status).loadBalancer).ingress).length > 0;
}

// Argo CD gives Services and Ingresses no message either way.
export function serviceHealth(o: KubeObject): HealthAssessment {
  if (dict(o.spec).type !== 'LoadBalancer') return { status: 'Healthy', message: '' };
  return { status: hasLoadBalancerIngress(o) ? 'Healthy' : 'Progressing', message: '' };
}

export function ingressHealth(o: KubeObject): HealthAssessment {
  return { status: hasLoadBalancerIngress(o) ? 'Healthy' : 'Progressing', message: '' };
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
  if (failed !== undefined) return { status: 'Degraded', message: failed };
  // Argo CD v3.5 reports a suspended Job without a message (the failure text, empty here).
  if (suspended) return { status: 'Suspended', message: '' };
  return { status: 'Healthy', message };
}

interface HpaCondition {
  type: string;
  reason: string;
  status: string;
  message: string;
}

// Reasons the controller gives when it cannot scale or read a metric; anything else
// (ScalingLimited, a desired size it is still moving to) is normal operation.
const HPA_DEGRADED = new Set([
  'AbleToScale/FailedGetScale',
  'AbleToScale/FailedUpdateScale',
  'ScalingActive/FailedGetResourceMetric',
  'ScalingActive/FailedGetObjectMetric',
  'ScalingActive/FailedGetPodsMetric',
  'ScalingActive/FailedGetExternalMetric',
  'ScalingActive/FailedComputeMetricsReplicas',
  'ScalingActive/InvalidSelector',
]);
const HPA_WAITING: HealthAssessment = { status: 'Progressing', message: 'Waiting to Autoscale' };

function hpaConditions(o: KubeObject): HpaCondition[] | undefined {
  // autoscaling/v1 has no status.conditions: the controller publishes them in an annotation.
  if (o.apiVersion === 'autoscaling/v1') {
    const raw = o.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions'];
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new Error(`failed to convert conditions annotation to typed: ${(e as Error).message}`);
    }
    return list(parsed).map((c) => ({
      type: text(c.type),
      reason: text(c.reason),
      status: text(c.status),
      message: text(c.message),
    }));
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
    // Argo CD's wording; the parser's own detail after the colon is JavaScript's, not Go's.
    return { status: 'Unknown', message: (e as Error).message };
  }
  if (!conditions?.length) return HPA_WAITING;
  const degraded = conditions.find((c) => HPA_DEGRADED.has(`${c.type}/${c.reason}`));
  if (degraded) return { status: 'Degraded', message: degraded.message };
  // One sign of a working autoscaler is enough; ScalingActive=True alone is not one.
  const working = conditions.find(
    (c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True',
  );
  return working ? { status: 'Healthy', message: working.message } : HPA_WAITING;
}

export function apiServiceHealth(o: KubeObject): HealthAssessment {
  const available = list(dict(o.status).conditions).find((c) => c.type === 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${text(available.reason)}: ${text(available.message)}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
}
