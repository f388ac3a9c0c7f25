// Health assessment with Argo CD's built-in rules, and the per-Application summary that
// `status` prints and bootstrap waits on. Pure: objects in, verdicts out.
export type {
  ApplicationSummary,
  HealthAssessment,
  HealthStatus,
  OperationSummary,
  ResourceProblem,
  SyncStatus,
} from './health/types.ts';
export { HEALTH_STATUSES } from './health/types.ts';
export { assessHealth, CHECKED_KINDS, hasHealthCheck, worstHealth } from './health/assess.ts';
export { HEALTH_RULES_ARGOCD_VERSION } from './health/version.ts';
export { allApplicationsOk, summarizeApplications, worstSync } from './health/applications.ts';
export { renderWaitProgress, waitForApplications, type WaitOptions, type WaitResult } from './health/wait.ts';
export { renderStatusTable } from './health/render.ts';
export { summarizeDirect, type DirectCheck } from './health/direct.ts';
