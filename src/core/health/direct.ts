// `status --direct`: Argo CD is absent or broken, so each Application's health is judged
// from the live objects git says it deploys, with the same rules Argo CD uses. Sync is
// not judged here (that is what `drift` is for).
import { objectRef, type KubeObject } from '../kube.ts';
import { assessHealth, hasHealthCheck, worstHealth } from './assess.ts';
import type { ApplicationSummary, ResourceProblem } from './types.ts';

export interface DirectCheck {
  /** The desired object (from the rendered manifests). */
  desired: KubeObject;
  /** The live object, or undefined when the cluster does not have it. */
  live: KubeObject | undefined;
  /** Why it is missing, when there is more to say (e.g. the cluster does not serve the kind). */
  missing?: string;
}

export function summarizeDirect(
  app: string,
  namespace: string,
  checks: readonly DirectCheck[],
  skipped?: string,
): ApplicationSummary {
  const problems: ResourceProblem[] = [];
  for (const { desired, live, missing } of checks) {
    const h = live ? assessHealth(live) : { status: 'Missing' as const, message: missing ?? 'not in the cluster' };
    if (h.status === 'Healthy' || (live && !hasHealthCheck(live))) continue;
    const [group] = desired.apiVersion.includes('/') ? desired.apiVersion.split('/') : [''];
    problems.push({
      group: group!,
      kind: desired.kind,
      namespace: desired.metadata.namespace ?? '',
      name: desired.metadata.name,
      sync: 'Unknown',
      health: h.status,
      message: h.message,
    });
  }
  const health = skipped ? 'Unknown' : worstHealth(problems.map((p) => p.health!));
  const first = problems.find((p) => p.health === health) ?? problems[0];
  const message =
    skipped ??
    (first
      ? `${objectRef({ kind: first.kind, metadata: { name: first.name, namespace: first.namespace } })} is ${first.health}${first.message ? `: ${first.message}` : ''}`
      : '');
  return {
    name: app,
    namespace,
    project: '',
    sync: 'Unknown',
    health,
    message,
    revision: '',
    operation: undefined,
    problems,
    children: [],
    ok: health === 'Healthy',
  };
}
