// The vocabulary of health and sync shared by `status`, `health`, `smoke` and bootstrap's
// wait. The statuses and their order are Argo CD's (gitops-engine pkg/health), so what we
// print reads the same as the Argo CD UI.

export const HEALTH_STATUSES = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface HealthAssessment {
  status: HealthStatus;
  message: string;
}

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** One resource of an Application that is not Synced or not Healthy, with Argo CD's message. */
export interface ResourceProblem {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  sync: SyncStatus;
  /** Undefined when Argo CD has no health check for the kind. */
  health: HealthStatus | undefined;
  message: string;
}

export interface OperationSummary {
  /** Running, Succeeded, Failed, Error, Terminating. */
  phase: string;
  message: string;
  finishedAt: string | undefined;
}

export interface ApplicationSummary {
  name: string;
  namespace: string;
  project: string;
  sync: SyncStatus;
  health: HealthStatus;
  /** Why the app is not OK: its health message, a condition, or the worst child. */
  message: string;
  revision: string;
  operation: OperationSummary | undefined;
  /** Resources not Synced or not Healthy (for a root app: its own resources, not its children's). */
  problems: ResourceProblem[];
  /** Names of child Applications when this is an app-of-apps root; its sync/health include theirs. */
  children: string[];
  /** Synced and Healthy, with no failed operation and no error condition. */
  ok: boolean;
}
