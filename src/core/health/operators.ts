// Custom resources of the operators production runs (CloudNativePG, Strimzi,
// cert-manager), judged the way the health scripts Argo CD ships for them do. Verdicts
// and messages are Argo CD's; a missing message is an empty one, as in Argo CD.
import type { KubeObject } from '../kube.ts';
import { dict, list, text, type Dict } from './fields.ts';
import type { HealthAssessment, HealthStatus } from './types.ts';

// CloudNativePG's phase texts, by what they mean for the database: rolling work the
// operator finishes by itself, states that need watching, and states it cannot leave alone.
const CNPG_PHASES: Record<string, HealthStatus> = {
  'Cluster in healthy state': 'Healthy',
  'Setting up primary': 'Progressing',
  'Creating a new replica': 'Progressing',
  'Upgrading cluster': 'Progressing',
  'Waiting for the instances to become active': 'Progressing',
  'Promoting to primary cluster': 'Progressing',
  'Switchover in progress': 'Degraded',
  'Failing over': 'Degraded',
  'Upgrading Postgres major version': 'Degraded',
  'Cluster upgrade delayed': 'Degraded',
  'Waiting for user action': 'Degraded',
  'Primary instance is being restarted in-place': 'Degraded',
  'Primary instance is being restarted without a switchover': 'Degraded',
  'Cluster cannot execute instance online upgrade due to missing architecture binary': 'Degraded',
  'Online upgrade in progress': 'Degraded',
  'Applying configuration': 'Degraded',
  'Unable to create required cluster objects': 'Suspended',
  'Cluster cannot proceed to reconciliation due to an unknown plugin being required': 'Suspended',
  'Cluster has incomplete or invalid image catalog': 'Suspended',
  'Cluster is unrecoverable and needs manual intervention': 'Suspended',
};

export function cnpgClusterHealth(o: KubeObject): HealthAssessment {
  if (o.metadata.annotations?.['cnpg.io/reconciliationLoop'] === 'disabled')
    return { status: 'Suspended', message: 'Cluster reconciliation is suspended' };
  if (o.status === undefined || o.status === null) throw new Error('the Cluster has no status');
  const status = dict(o.status);
  const reason = text(status.phaseReason);
  if (status.conditions === undefined || status.conditions === null) return { status: 'Progressing', message: reason };
  const hibernation = list(status.conditions).find((c) => c.type === 'cnpg.io/hibernation');
  if (hibernation)
    return { status: hibernation.status === 'True' ? 'Suspended' : 'Degraded', message: text(hibernation.message) };
  const phase = text(status.phase);
  return { status: Object.hasOwn(CNPG_PHASES, phase) ? CNPG_PHASES[phase]! : 'Unknown', message: reason };
}

const isTrue = (c: Dict, type: string) => c.type === type && c.status === 'True';

/** Strimzi's Ready/NotReady conditions, first decisive one wins; `waiting` is the message before either. */
function strimziHealth(o: KubeObject, waiting: string, notReadyWhileCreating: boolean): HealthAssessment {
  for (const c of list(dict(o.status).conditions)) {
    // A Kafka cluster reports NotReady while it is first being created; that is not a failure.
    if (isTrue(c, 'NotReady') && !(notReadyWhileCreating && c.reason === 'Creating'))
      return { status: 'Degraded', message: text(c.message) };
    if (isTrue(c, 'Ready')) return { status: 'Healthy', message: '' };
  }
  return { status: 'Progressing', message: waiting };
}

export const kafkaHealth = (o: KubeObject) => strimziHealth(o, 'Waiting for Kafka Cluster', true);
export const kafkaTopicHealth = (o: KubeObject) => strimziHealth(o, 'Waiting for Kafka Topic', false);
export const kafkaUserHealth = (o: KubeObject) => strimziHealth(o, 'Waiting for Kafka User', false);

/** cert-manager's Ready condition; `waiting` is the message before it is set. */
function readyConditionHealth(o: KubeObject, waiting: string): HealthAssessment {
  for (const c of list(dict(o.status).conditions)) {
    if (c.type === 'Ready' && c.status === 'False') return { status: 'Degraded', message: text(c.message) };
    if (isTrue(c, 'Ready')) return { status: 'Healthy', message: text(c.message) };
  }
  return { status: 'Progressing', message: waiting };
}

export function certificateHealth(o: KubeObject): HealthAssessment {
  // A certificate being (re)issued is Progressing even while the old one is still Ready.
  const issuing = list(dict(o.status).conditions).find((c) => isTrue(c, 'Issuing'));
  if (issuing) return { status: 'Progressing', message: text(issuing.message) };
  return readyConditionHealth(o, 'Waiting for certificate');
}

export const issuerHealth = (o: KubeObject) => readyConditionHealth(o, 'Initializing issuer');
export const clusterIssuerHealth = (o: KubeObject) => readyConditionHealth(o, 'Initializing ClusterIssuer');
