// What `status` prints and bootstrap waits on: one line per Argo CD Application with its
// sync, health, revision and last operation, the resources that are not OK, and — for an
// app-of-apps root — the worst state of its children, so a green root means a green tree.
import type { KubeObject } from '../kube.ts';
import { worstHealth } from './assess.ts';
import { dict, list, text } from './fields.ts';
import {
  HEALTH_STATUSES,
  type ApplicationSummary,
  type HealthAssessment,
  type HealthStatus,
  type OperationSummary,
  type ResourceProblem,
  type SyncStatus,
} from './types.ts';

const SYNC_ORDER: readonly SyncStatus[] = ['Synced', 'OutOfSync', 'Unknown'];
const OPERATION_OK = new Set(['Succeeded']);

function syncStatus(v: unknown): SyncStatus {
  return v === 'Synced' || v === 'OutOfSync' ? v : 'Unknown';
}

export function worstSync(statuses: Iterable<SyncStatus>): SyncStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, SYNC_ORDER.indexOf(s));
  return SYNC_ORDER[worst]!;
}

function revisionOf(status: Record<string, unknown>): string {
  const sync = dict(status.sync);
  const revs = [text(sync.revision), ...list(sync.revisions).map(String)].filter(Boolean);
  const fromOp = text(dict(dict(status.operationState).syncResult).revision);
  const all = revs.length ? revs : fromOp ? [fromOp] : [];
  return all.map((r) => (/^[0-9a-f]{40}$/.test(r) ? r.slice(0, 7) : r)).join(',');
}

function operationOf(status: Record<string, unknown>): OperationSummary | undefined {
  const op = dict(status.operationState);
  if (!text(op.phase)) return undefined;
  return { phase: text(op.phase), message: text(op.message), finishedAt: text(op.finishedAt) || undefined };
}

function problemsOf(status: Record<string, unknown>): ResourceProblem[] {
  const problems: ResourceProblem[] = [];
  for (const r of list(status.resources)) {
    const health = dict(r.health);
    const h = text(health.status) || undefined;
    const sync = syncStatus(r.status);
    if (sync === 'Synced' && (h === undefined || h === 'Healthy')) continue;
    problems.push({
      group: text(r.group),
      kind: text(r.kind),
      namespace: text(r.namespace),
      name: text(r.name),
      sync,
      health: h as ResourceProblem['health'],
      message: text(health.message) || (r.requiresPruning === true ? 'not in git any more: will be pruned' : ''),
    });
  }
  return problems;
}

/** Error conditions (ComparisonError, InvalidSpecError, SyncError, …) block OK; *Warning ones are only shown. */
function errorConditions(status: Record<string, unknown>): string[] {
  return list(status.conditions)
    .filter((c) => text(c.type).endsWith('Error'))
    .map((c) => `${text(c.type)}: ${text(c.message)}`);
}

// The Application's own verdict as Argo CD wrote it, with a reason while there is none yet
// (the argocd-cm script that judges child Applications is project.ts; this is for display).
function ownHealth(app: KubeObject): HealthAssessment {
  const health = dict(dict(app.status).health);
  const status = text(health.status);
  if (!status) return { status: 'Progressing', message: 'Waiting for Argo CD to assess the Application' };
  if (!(HEALTH_STATUSES as readonly string[]).includes(status))
    return { status: 'Unknown', message: `unknown health status ${status}` };
  return { status: status as HealthStatus, message: text(health.message) };
}

function ownSummary(app: KubeObject): ApplicationSummary {
  const status = dict(app.status);
  const health = ownHealth(app);
  const sync = syncStatus(dict(status.sync).status);
  const operation = operationOf(status);
  const errors = errorConditions(status);
  const opFailed = operation !== undefined && !OPERATION_OK.has(operation.phase);
  const message =
    errors[0] ??
    (opFailed && operation.message ? `last sync ${operation.phase}: ${operation.message}` : health.message);
  return {
    name: app.metadata.name,
    namespace: app.metadata.namespace ?? '',
    project: text(dict(app.spec).project),
    sync,
    health: health.status,
    message,
    revision: revisionOf(status),
    operation,
    problems: problemsOf(status),
    children: [],
    ok: sync === 'Synced' && health.status === 'Healthy' && !opFailed && errors.length === 0,
  };
}

function childNames(app: KubeObject, known: ReadonlySet<string>): string[] {
  return list(dict(app.status).resources)
    .filter((r) => r.group === 'argoproj.io' && r.kind === 'Application' && known.has(text(r.name)))
    .map((r) => text(r.name))
    .sort();
}

/**
 * One summary per Argo CD Application, sorted by name. A root (app-of-apps) Application is
 * reported with the worst sync/health of itself and its child Applications.
 */
export function summarizeApplications(apps: KubeObject[]): ApplicationSummary[] {
  const own = new Map(apps.map((a) => [a.metadata.name, ownSummary(a)]));
  const known = new Set(own.keys());
  const children = new Map(apps.map((a) => [a.metadata.name, childNames(a, known)]));
  const done = new Map<string, ApplicationSummary>();
  const fold = (name: string, seen: ReadonlySet<string>): ApplicationSummary => {
    const cached = done.get(name);
    if (cached) return cached;
    const self = own.get(name)!;
    const kids = (children.get(name) ?? []).filter((k) => !seen.has(k));
    const folded = kids.map((k) => fold(k, new Set([...seen, name])));
    const worstKid = folded.find((k) => !k.ok);
    const result: ApplicationSummary = {
      ...self,
      children: kids,
      sync: worstSync([self.sync, ...folded.map((k) => k.sync)]),
      health: worstHealth([self.health, ...folded.map((k) => k.health)]),
      message:
        self.ok && worstKid
          ? `child ${worstKid.name} is ${worstKid.sync}/${worstKid.health}${worstKid.message ? `: ${worstKid.message}` : ''}`
          : self.message,
      ok: self.ok && folded.every((k) => k.ok),
    };
    done.set(name, result);
    return result;
  };
  return [...own.keys()].sort().map((n) => fold(n, new Set()));
}

/** True when there is at least one Application and every one is OK: what `status --wait` and bootstrap wait for. */
export function allApplicationsOk(summaries: readonly ApplicationSummary[]): boolean {
  return summaries.length > 0 && summaries.every((s) => s.ok);
}
