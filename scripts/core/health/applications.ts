import type { KubeObject } from '../kube.ts';
import type { ApplicationSummary } from './types.ts';

/**
 * One summary per Argo CD Application, sorted by name. A root (app-of-apps) Application is
 * reported with the worst sync/health of itself and its child Applications.
 */
export function summarizeApplications(apps: KubeObject[]): ApplicationSummary[] {
  void apps;
  return [];
}

/** True when there is at least one Application and every one is OK: what `status --wait` and bootstrap wait for. */
export function allApplicationsOk(summaries: readonly ApplicationSummary[]): boolean {
  return summaries.length > 0 && summaries.every((s) => s.ok);
}
