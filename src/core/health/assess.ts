// Which rule applies to which kind, as in Argo CD (matched on API group + kind, so a CRD
// that happens to be called `Deployment` is not judged as one), plus the rule every kind
// shares: an object being deleted is Progressing.
import { apiGroup, type KubeObject } from '../kube.ts';
import {
  cnpgClusterHealth,
  certificateHealth,
  clusterIssuerHealth,
  issuerHealth,
  kafkaHealth,
  kafkaTopicHealth,
  kafkaUserHealth,
} from './operators.ts';
import { apiServiceHealth, hpaHealth, ingressHealth, jobHealth, serviceHealth } from './others.ts';
import { applicationHealth, pvcHealth } from './project.ts';
import { crdHealth, cronJobHealth, podDisruptionBudgetHealth } from './shipped.ts';
import { HEALTH_STATUSES, type HealthAssessment, type HealthStatus } from './types.ts';
import { daemonSetHealth, deploymentHealth, podHealth, replicaSetHealth, statefulSetHealth } from './workloads.ts';

type Check = (o: KubeObject) => HealthAssessment;

// Argo CD's built-in checks, the scripts it ships, and the two this project installs
// into argocd-cm (PersistentVolumeClaim replaces the built-in one; see project.ts).
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
  'apiregistration.k8s.io/APIService': apiServiceHealth,
  'policy/PodDisruptionBudget': podDisruptionBudgetHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  'argoproj.io/Application': applicationHealth,
  'postgresql.cnpg.io/Cluster': cnpgClusterHealth,
  'kafka.strimzi.io/Kafka': kafkaHealth,
  'kafka.strimzi.io/KafkaTopic': kafkaTopicHealth,
  'kafka.strimzi.io/KafkaUser': kafkaUserHealth,
  'cert-manager.io/Certificate': certificateHealth,
  'cert-manager.io/Issuer': issuerHealth,
  'cert-manager.io/ClusterIssuer': clusterIssuerHealth,
};

// Argo CD's Go checks convert the object to one typed API version first and fail on any
// other (`unsupported Deployment GVK: apps/v1beta2, Kind=Deployment`), which Argo CD shows
// as Unknown. The shipped and installed Lua scripts, and Ingress, read any version.
const GO_CHECK_VERSIONS: Record<string, { name: string; versions: readonly string[] }> = {
  'apps/Deployment': { name: 'Deployment', versions: ['apps/v1'] },
  'apps/StatefulSet': { name: 'StatefulSet', versions: ['apps/v1'] },
  'apps/DaemonSet': { name: 'DaemonSet', versions: ['apps/v1'] },
  'apps/ReplicaSet': { name: 'ReplicaSet', versions: ['apps/v1'] },
  '/Pod': { name: 'Pod', versions: ['v1'] },
  '/Service': { name: 'Service', versions: ['v1'] },
  'batch/Job': { name: 'Job', versions: ['batch/v1'] },
  'autoscaling/HorizontalPodAutoscaler': { name: 'HPA', versions: ['autoscaling/v1', 'autoscaling/v2'] },
  'apiregistration.k8s.io/APIService': {
    name: 'APIService',
    versions: ['apiregistration.k8s.io/v1', 'apiregistration.k8s.io/v1beta1'],
  },
};

/** Go's GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=Pod` for the core group. */
function gvkString(o: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  return `${o.apiVersion.includes('/') ? o.apiVersion : `/${o.apiVersion}`}, Kind=${o.kind}`;
}

function checkFor(o: Pick<KubeObject, 'apiVersion' | 'kind'>): Check | undefined {
  return CHECKS[`${apiGroup(o.apiVersion)}/${o.kind}`];
}

/** The kinds with a rule, as `group/Kind` ('' group for the core API). */
export const CHECKED_KINDS: readonly string[] = Object.keys(CHECKS);

/**
 * The health Argo CD would give the object. A kind Argo CD has no check for is Unknown
 * with "no health check for <kind>": Argo CD leaves it out of the Application's health,
 * and so do the callers (they ask hasHealthCheck), but nothing reads it as Healthy.
 */
export function assessHealth(o: KubeObject): HealthAssessment {
  const finalizers = o.metadata.finalizers;
  const hookFinalizer = Array.isArray(finalizers) && finalizers.includes('argocd.argoproj.io/hook-finalizer');
  if (o.metadata.deletionTimestamp && !hookFinalizer) return { status: 'Progressing', message: 'Pending deletion' };
  const check = checkFor(o);
  if (!check) return { status: 'Unknown', message: `no health check for ${o.kind} (${o.apiVersion})` };
  const typed = GO_CHECK_VERSIONS[`${apiGroup(o.apiVersion)}/${o.kind}`];
  if (typed && !typed.versions.includes(o.apiVersion))
    return { status: 'Unknown', message: `unsupported ${typed.name} GVK: ${gvkString(o)}` };
  try {
    return check(o);
  } catch (e) {
    // A malformed status is not a crash: Argo CD reports such objects as Unknown.
    return { status: 'Unknown', message: `cannot assess health: ${(e as Error).message}` };
  }
}

/** Whether Argo CD has a health check for this kind (built in, shipped, or installed by bootstrap). */
export function hasHealthCheck(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return checkFor(o) !== undefined;
}

/** The worst of several statuses, in Argo CD's order (Healthy < Suspended < Progressing < Missing < Degraded < Unknown). */
export function worstHealth(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, HEALTH_STATUSES.indexOf(s));
  return HEALTH_STATUSES[worst]!;
}
