// Which rule applies to which kind, as in gitops-engine's GetHealthCheckFunc (matched
// on API group + kind, so a CRD that happens to be called `Deployment` is not judged
// as one), plus the rule every kind shares: an object being deleted is Progressing.
import { apiGroup, type KubeObject } from '../kube.ts';
import { applicationHealth, cronJobHealth, hpaHealth, ingressHealth, jobHealth, pvcHealth, serviceHealth } from './others.ts';
import { HEALTH_STATUSES, type HealthAssessment, type HealthStatus } from './types.ts';
import { daemonSetHealth, deploymentHealth, podHealth, replicaSetHealth, statefulSetHealth } from './workloads.ts';

type Check = (o: KubeObject) => HealthAssessment;

const CHECKS: Record<string, Check> = {
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  '/Pod': podHealth,
  '/Service': serviceHealth,
  '/PersistentVolumeClaim': pvcHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  'extensions/Ingress': ingressHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealth,
  'argoproj.io/Application': applicationHealth,
};

function checkFor(o: Pick<KubeObject, 'apiVersion' | 'kind'>): Check | undefined {
  return CHECKS[`${apiGroup(o.apiVersion)}/${o.kind}`];
}

/** Argo CD's built-in health check for the object's kind; Healthy with an empty message for kinds without one. */
export function assessHealth(o: KubeObject): HealthAssessment {
  const finalizers = o.metadata.finalizers;
  const hookFinalizer = Array.isArray(finalizers) && finalizers.includes('argocd.argoproj.io/hook-finalizer');
  if (o.metadata.deletionTimestamp && !hookFinalizer) return { status: 'Progressing', message: 'Pending deletion' };
  const check = checkFor(o);
  if (!check) return { status: 'Healthy', message: '' };
  try {
    return check(o);
  } catch (e) {
    // A malformed status is not a crash: Argo CD reports such objects as Unknown.
    return { status: 'Unknown', message: `cannot assess health: ${(e as Error).message}` };
  }
}

/** Whether Argo CD has a built-in health check for this kind (others count as Healthy). */
export function hasHealthCheck(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return checkFor(o) !== undefined;
}

/** The worst of several statuses, in Argo CD's order (Healthy < Suspended < Progressing < Missing < Degraded < Unknown). */
export function worstHealth(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, HEALTH_STATUSES.indexOf(s));
  return HEALTH_STATUSES[worst]!;
}
