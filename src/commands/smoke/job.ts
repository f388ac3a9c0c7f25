// Builds the Job a check runs: one pod, no retries, a deadline, cleaned up by the
// runner and — should the runner die — by the TTL controller. The pod meets Pod
// Security `restricted` so the check also runs in a namespace that enforces it.
import type { KubeObject } from '../../core/kube.ts';
import { LABELS, MANAGED_BY, SMOKE_PREFIX } from '../../core/names.ts';
import type { EnvVar, JobRun } from './types.ts';

export const SMOKE_CHECK_LABEL = 'soma.sh/smoke-check';
export const SMOKE_RUN_LABEL = 'soma.sh/smoke-run';
/** On a run's namespaces: when the run cannot be going any more (leftovers.ts). */
export const SMOKE_EXPIRES_ANNOTATION = 'soma.sh/smoke-expires';
// Not plain MANAGED_BY: objects labelled that way outside soma-infra are git's, and drift
// would count a smoke run's namespaces as orphans of git.
export const SMOKE_MANAGED_BY = `${MANAGED_BY}-smoke`;

function envOf(vars: readonly EnvVar[]): Record<string, unknown>[] {
  return vars.map((v) =>
    v.secret
      ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secret.name, key: v.secret.key } } }
      : { name: v.name, value: v.value ?? '' },
  );
}

export function jobName(runId: string, check: string, suffix?: string): string {
  return [SMOKE_PREFIX, check, suffix, runId].filter(Boolean).join('-');
}

export function buildJob(check: string, runId: string, run: JobRun, deadlineSeconds: number): KubeObject {
  const labels = { [LABELS.managedBy]: SMOKE_MANAGED_BY, [LABELS.component]: 'smoke', [SMOKE_CHECK_LABEL]: check };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(runId, check, run.suffix), namespace: run.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: deadlineSeconds,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: run.uid,
            runAsGroup: run.uid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'check',
              image: run.image,
              command: run.command,
              env: envOf([{ name: 'HOME', value: '/tmp' }, ...(run.env ?? [])]),
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '500m', memory: run.memory ?? '128Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

/** A namespace for the run; `consumer` ones carry the label NetworkPolicies let in. `expires`: when the run must be over. */
export function buildNamespace(name: string, runId: string, consumer: boolean, expires?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      ...(expires ? { annotations: { [SMOKE_EXPIRES_ANNOTATION]: expires } } : {}),
      labels: {
        [LABELS.managedBy]: SMOKE_MANAGED_BY,
        [LABELS.component]: 'smoke',
        [SMOKE_RUN_LABEL]: runId,
        [LABELS.podSecurityEnforce]: 'restricted',
        ...(consumer ? { [LABELS.allowSharedInfra]: 'true' } : {}),
      },
    },
  };
}
