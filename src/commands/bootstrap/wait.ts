// Step 7: wait until the root Application and every child it should create are Synced
// and Healthy at the expected revision. A healthy root does not hide a missing or
// degraded child (each expected child is checked by name); an Application Degraded for
// longer than the grace period fails the wait at once; a timeout lists every
// Application and resource that is not OK with Argo CD's own message.
import { applicationName, rootApplicationName } from '../../core/argocd.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { isStandalone } from '../../core/topology.ts';
import { summarizeApplications, type ApplicationSummary } from '../../core/health.ts';
import { ANNOTATIONS, ARGOCD_NAMESPACE } from '../../core/names.ts';
import { KubeApiError, type KubeClient } from '../../adapters/kube.ts';
import { pollUntil } from './poll.ts';
import { formatDuration } from './progress.ts';
import { NotHealthyError, type BootstrapContext, type ComponentTiming, type Step } from './types.ts';

export interface ExpectedApp {
  name: string;
  component: string;
  root: boolean;
}

/** The Applications a healthy cluster has: its root, one per enabled component, and Argo CD's own when self-managed. Pure. */
export function expectedApplications(cluster: ClusterConfig): ExpectedApp[] {
  const children = [...(isStandalone(cluster) ? ['argocd'] : []), ...cluster.components];
  return [
    { name: rootApplicationName(cluster), component: 'root', root: true },
    ...children.map((c) => ({ name: applicationName(cluster, c), component: c, root: false })),
  ];
}

export interface WaitTracker {
  startedAt: number;
  firstOk: Map<string, number>;
  degradedSince: Map<string, number>;
}

export interface WaitVerdict {
  done: boolean;
  pending: string[];
  /** Applications Degraded for longer than the grace period. */
  degraded: string[];
}

/** Whether the app's revision is the expected commit (summaries shorten commits to 7 characters). */
function atRevision(s: ApplicationSummary, expected: string | undefined): boolean {
  if (!expected || !s.revision) return true;
  return s.revision.split(',').every((r) => expected.startsWith(r));
}

function describe(s: ApplicationSummary): string {
  return `${s.name}: ${s.sync}/${s.health}${s.message ? ` — ${s.message}` : ''}`;
}

/** One poll's judgement, updating the tracker. Pure apart from the tracker it is given. */
export function evaluateWait(
  summaries: readonly ApplicationSummary[],
  expected: readonly ExpectedApp[],
  expectedRevision: string | undefined,
  tracker: WaitTracker,
  now: number,
  graceMs: number,
): WaitVerdict {
  const byName = new Map(summaries.map((s) => [s.name, s]));
  const pending: string[] = [];
  const degraded: string[] = [];
  // Children first: the root's own message only repeats its worst child.
  for (const app of [...expected.filter((a) => !a.root), ...expected.filter((a) => a.root)]) {
    const s = byName.get(app.name);
    if (!s) {
      pending.push(`${app.name}: not created yet${app.root ? '' : ' (the root Application creates it)'}`);
      continue;
    }
    if (s.health === 'Degraded') {
      const since = tracker.degradedSince.get(app.name) ?? now;
      tracker.degradedSince.set(app.name, since);
      if (now - since > graceMs && !app.root) degraded.push(describe(s));
    } else {
      tracker.degradedSince.delete(app.name);
    }
    if (!s.ok) pending.push(describe(s));
    else if (!atRevision(s, expectedRevision)) pending.push(`${app.name}: Synced/Healthy at ${s.revision}, waiting for ${expectedRevision!.slice(0, 7)}`);
    else if (!tracker.firstOk.has(app.name)) tracker.firstOk.set(app.name, now - tracker.startedAt);
  }
  // The root is Degraded whenever a child is: report the children, or the root when it alone is.
  if (!degraded.length) {
    const root = expected.find((a) => a.root);
    const s = root && byName.get(root.name);
    const since = root && tracker.degradedSince.get(root.name);
    if (s && since !== undefined && now - since > graceMs && !s.children.some((c) => byName.get(c)?.health === 'Degraded')) degraded.push(describe(s));
  }
  return { done: pending.length === 0, pending, degraded };
}

// Argo CD looks for new commits every few minutes; asking it to refresh an Application that is
// behind makes it look now. Once a minute at most per Application: one request is normally enough.
export const REFRESH_EVERY_MS = 60_000;

/** Expected Applications Argo CD reports at another revision than the expected one, not asked to refresh within REFRESH_EVERY_MS. Pure. */
export function appsToRefresh(
  summaries: readonly ApplicationSummary[],
  expected: readonly ExpectedApp[],
  expectedRevision: string | undefined,
  lastRefresh: ReadonlyMap<string, number>,
  now: number,
): string[] {
  if (!expectedRevision) return [];
  const names = new Set(expected.map((a) => a.name));
  return summaries
    .filter((s) => names.has(s.name) && s.revision && !atRevision(s, expectedRevision))
    .filter((s) => now - (lastRefresh.get(s.name) ?? -Infinity) >= REFRESH_EVERY_MS)
    .map((s) => s.name);
}

/** Sets Argo CD's refresh annotation (a merge patch). A failure only costs the shortcut: Argo CD still polls git. */
async function requestRefresh(client: KubeClient, name: string): Promise<void> {
  const path = await client.resourcePath('argoproj.io/v1alpha1', 'Application', ARGOCD_NAMESPACE, name);
  const body = JSON.stringify({ metadata: { annotations: { [ANNOTATIONS.refresh]: 'normal' } } });
  try {
    await client.request('PATCH', path, `ask Argo CD to refresh Application ${ARGOCD_NAMESPACE}/${name}`, { body, contentType: 'application/merge-patch+json' });
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
  }
}

/** Every resource that is not OK, with Argo CD's message, under the Application it belongs to. */
export function problemDetails(summaries: readonly ApplicationSummary[], expected: readonly ExpectedApp[]): string[] {
  const names = new Set(expected.map((a) => a.name));
  return summaries
    .filter((s) => names.has(s.name) && !s.ok)
    .flatMap((s) => [
      ...(s.operation && s.operation.phase !== 'Succeeded' && s.operation.message ? [`  ${s.name} last sync ${s.operation.phase}: ${s.operation.message}`] : []),
      ...s.problems.slice(0, 8).map((p) => `  ${s.name} › ${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}: ${p.sync}/${p.health ?? '-'}${p.message ? ` — ${p.message}` : ''}`),
    ]);
}

export function componentTimings(summaries: readonly ApplicationSummary[], expected: readonly ExpectedApp[], tracker: WaitTracker): ComponentTiming[] {
  const byName = new Map(summaries.map((s) => [s.name, s]));
  return expected.map((app) => {
    const s = byName.get(app.name);
    return {
      application: app.name,
      component: app.component,
      timeToHealthyMs: tracker.firstOk.get(app.name) ?? null,
      sync: s?.sync ?? 'Missing',
      health: s?.health ?? 'Missing',
      revision: s?.revision ?? '',
    };
  });
}

export const waitStep: Step = {
  name: 'wait',
  title: 'Synced and Healthy',
  async run(ctx: BootstrapContext) {
    const client = ctx.argocdClient!;
    const expected = expectedApplications(ctx.cluster);
    const tracker: WaitTracker = { startedAt: ctx.deps.now(), firstOk: new Map(), degradedSince: new Map() };
    const refreshed = new Map<string, number>();
    let last: ApplicationSummary[] = [];
    const grace = ctx.options.degradedGraceMs;
    const hint = `see every Application with \`npm run status -- --context ${client.context}\` or \`kubectl --context ${client.context} -n ${ARGOCD_NAMESPACE} get applications\`; the Argo CD UI shows the same (\`npm run bootstrap\` again resumes)`;
    try {
      await pollUntil(ctx, {
        what: `${expected.length} Applications to be Synced and Healthy${ctx.expectedRevision ? ` at ${ctx.expectedRevision.slice(0, 7)}` : ''}`,
        timeoutMs: ctx.options.timeoutMs,
        hint,
        check: async () => {
          last = summarizeApplications(await client.list('argoproj.io/v1alpha1', 'Application', { namespace: ARGOCD_NAMESPACE }));
          const v = evaluateWait(last, expected, ctx.expectedRevision, tracker, ctx.deps.now(), grace);
          if (v.degraded.length) {
            throw new NotHealthyError(`Degraded for longer than ${formatDuration(grace)}:`, [...v.degraded, ...problemDetails(last, expected)], hint);
          }
          for (const name of appsToRefresh(last, expected, ctx.expectedRevision, refreshed, ctx.deps.now())) {
            refreshed.set(name, ctx.deps.now());
            await requestRefresh(client, name);
          }
          return { done: v.done, pending: v.pending };
        },
        diagnose: async () => problemDetails(last, expected),
      });
    } finally {
      ctx.components = componentTimings(last, expected, tracker);
    }
    const took = ctx.deps.now() - tracker.startedAt;
    const slowest = [...tracker.firstOk.values()].reduce((a, b) => Math.max(a, b), 0);
    const already = slowest < ctx.deps.pollMs * 2 && took < ctx.deps.pollMs * 2;
    return {
      changed: false,
      summary: `${expected.length} Applications Synced and Healthy${ctx.expectedRevision ? ` at ${ctx.expectedRevision.slice(0, 7)}` : ''}${already ? ' (already)' : ''}`,
      details: ctx.components.map((c) => `${c.application.padEnd(28)} ${c.timeToHealthyMs === null ? '-' : formatDuration(c.timeToHealthyMs)}`),
    };
  },
};
