import type { KubeObject } from '../kube.ts';
import type { HealthAssessment, HealthStatus } from './types.ts';

/** Argo CD's built-in health check for the object's kind; Healthy with an empty message for kinds without one. */
export function assessHealth(o: KubeObject): HealthAssessment {
  void o;
  return { status: 'Unknown', message: 'not implemented yet' };
}

/** Whether Argo CD has a built-in health check for this kind (others count as Healthy). */
export function hasHealthCheck(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  void o;
  return false;
}

/** The worst of several statuses, in Argo CD's order (Healthy < Suspended < Progressing < Missing < Degraded < Unknown). */
export function worstHealth(statuses: Iterable<HealthStatus>): HealthStatus {
  void statuses;
  return 'Healthy';
}
