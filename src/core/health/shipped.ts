// Kubernetes kinds Argo CD judges with the health scripts it ships (its
// resource_customizations folder) rather than in Go: CronJob, PodDisruptionBudget and
// CustomResourceDefinition. Re-stated here from what those scripts do; verdicts and
// messages are Argo CD's. A script that fails on a missing field makes Argo CD report
// Unknown with the Lua error; `luaConcat` throws in those same places, and assessHealth
// turns the throw into Unknown (with our wording, not the Lua VM's).
import type { KubeObject } from '../kube.ts';
import { dict, list, luaConcat, text } from './fields.ts';
import type { HealthAssessment } from './types.ts';

export function cronJobHealth(o: KubeObject): HealthAssessment {
  // Argo CD 3.4+ reads a suspended CronJob as Healthy (a Suspended status would hold
  // the Application's sync forever); the message still says it is suspended.
  if (dict(o.spec).suspend === true) return { status: 'Healthy', message: 'CronJob is Suspended' };
  if (o.status === undefined || o.status === null) return { status: 'Progressing', message: 'Waiting for CronJob' };
  const status = dict(o.status);
  const scheduled = status.lastScheduleTime;
  const succeeded = status.lastSuccessfulTime;
  if (scheduled === undefined || scheduled === null)
    return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  // Without a success, or with a run in flight, the last result is not known: Healthy.
  if (succeeded === undefined || succeeded === null) {
    return { status: 'Healthy', message: 'The CronJob never completed successfully. It may not be healthy' };
  }
  if (list(status.active).length > 0)
    return { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' };
  // Argo CD compares the two RFC 3339 timestamps as strings, which orders them correctly.
  if (text(succeeded) < text(scheduled))
    return { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' };
  return { status: 'Healthy', message: 'CronJob has completed its last execution successfully' };
}

export function podDisruptionBudgetHealth(o: KubeObject): HealthAssessment {
  let result: HealthAssessment = { status: 'Progressing', message: 'Waiting for status' };
  for (const c of list(dict(o.status).conditions)) {
    // Too few pods to allow a disruption is normal for a small or scaled-down workload.
    if (c.status === 'False' && c.reason !== 'InsufficientPods')
      return { status: 'Degraded', message: luaConcat('PodDisruptionBudget has ', c.reason) };
    result = { status: 'Healthy', message: luaConcat('PodDisruptionBudget has ', c.reason) };
  }
  return result;
}

export function crdHealth(o: KubeObject): HealthAssessment {
  // Reached while being deleted only by a sync hook (any other object reads "Pending deletion" first).
  if (o.metadata.deletionTimestamp) return { status: 'Progressing', message: 'CRD is terminating' };
  if (o.status === undefined || o.status === null) throw new Error('the CustomResourceDefinition has no status');
  const conditions = list(dict(o.status).conditions);
  if (!conditions.length) return { status: 'Progressing', message: 'Status conditions not found' };
  let established = false;
  for (const c of conditions) {
    if (c.type === 'Terminating' && c.status === 'True')
      return { status: 'Progressing', message: luaConcat('CRD is terminating: ', c.message) };
    if (c.type === 'NamesAccepted' && c.status === 'False')
      return { status: 'Degraded', message: luaConcat('CRD names have not been accepted: ', c.message) };
    if (c.type === 'NonStructuralSchema' && c.status === 'True')
      return { status: 'Degraded', message: luaConcat('Schema violations found: ', c.message) };
    if (c.type === 'Established') {
      if (c.status === 'True') established = true;
      else if (c.reason === 'Installing') return { status: 'Progressing', message: 'CRD is being installed' };
    }
  }
  return established
    ? { status: 'Healthy', message: 'CRD is healthy' }
    : { status: 'Degraded', message: 'CRD is not established' };
}
