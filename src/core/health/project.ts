// The two kinds whose health in this project comes from the Lua scripts bootstrap/argocd
// installs into argocd-cm (src/core/argocd-install.ts), not from Argo CD's defaults. These
// rules say exactly what those scripts say: test/health/project-rules.test.ts runs the
// installed Lua and these functions on the same cases and requires equal answers.
import { ANNOTATIONS } from '../names.ts';
import type { KubeObject } from '../kube.ts';
import { dict, text } from './fields.ts';
import { HEALTH_STATUSES, type HealthAssessment, type HealthStatus } from './types.ts';

/** What Argo CD says when a health script returns a status it does not know. */
export const INVALID_LUA_STATUS = 'Lua returned an invalid health status';

// A claim annotated as binding on first use (a backup volume whose only consumer is a
// CronJob, on a WaitForFirstConsumer storage class) is Healthy while Pending, so it does
// not hold its Application and every later sync wave until the first backup runs.
export function pvcHealth(o: KubeObject): HealthAssessment {
  const phase = dict(o.status).phase;
  if (phase === 'Bound') return { status: 'Healthy', message: 'Bound' };
  if (phase === 'Pending' && o.metadata.annotations?.[ANNOTATIONS.bindsOnFirstUse] === 'true') {
    return { status: 'Healthy', message: 'Pending until its first consumer runs' };
  }
  if (phase === 'Lost') return { status: 'Degraded', message: 'the bound volume is lost' };
  return { status: 'Progressing', message: 'waiting for the claim to be bound' };
}

// A child Application's health is its own status.health, so app-of-apps sync waves wait.
export function applicationHealth(o: KubeObject): HealthAssessment {
  const health = dict(dict(o.status).health);
  if (health.status === undefined || health.status === null) return { status: 'Progressing', message: '' };
  const status = text(health.status);
  if (!(HEALTH_STATUSES as readonly string[]).includes(status))
    return { status: 'Unknown', message: INVALID_LUA_STATUS };
  return { status: status as HealthStatus, message: text(health.message) };
}
