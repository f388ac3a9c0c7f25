// `npm run status`, top to bottom: connect, read the Applications (or, with --direct, judge
// the live objects git says each Application deploys), optionally wait, print, exit.
import { pickCluster, type LiveCluster } from '../../adapters/kube-live.ts';
import { KubeApiError } from '../../adapters/kube.ts';
import { argoCdWorkloadObjects } from '../../core/argocd-install.ts';
import { upstreamWorkloadPatch } from '../../core/component-tree.ts';
import { COMPONENTS } from '../../core/components/index.ts';
import { UserError } from '../../core/errors.ts';
import {
  allApplicationsOk,
  renderStatusTable,
  renderWaitProgress,
  summarizeApplications,
  summarizeDirect,
  waitForApplications,
  type ApplicationSummary,
} from '../../core/health.ts';
import { mapLimit } from '../../core/pool.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import type { Deps } from '../../cli/deps.ts';
import type { Io } from '../../cli/types.ts';

export interface StatusOptions {
  context?: string;
  wait: boolean;
  timeoutMs: number;
  intervalMs: number;
  direct: boolean;
  cluster?: string;
  json: boolean;
}

/** Returns the exit code: 0 all Synced and Healthy, 1 something is not. */
export async function runStatus(options: StatusOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  if (options.direct && options.wait) throw new UserError('--wait works with Argo CD only', 'drop --direct or --wait');
  const live = await deps.connectLive(options.context);
  let summaries: ApplicationSummary[];
  if (options.direct) summaries = await directSummaries(deps, live, options.cluster);
  else if (options.wait) summaries = await waitForHealthy(deps, live, options);
  else summaries = summarizeApplications(await live.applications());
  print(io, options.json, live, options.direct ? 'direct' : 'argocd', summaries);
  return allApplicationsOk(summaries) ? 0 : 1;
}

/** Health from the live objects git says each Application deploys (no Argo CD needed). */
async function directSummaries(
  { io, repo, runner }: Deps,
  live: LiveCluster,
  clusterName: string | undefined,
): Promise<ApplicationSummary[]> {
  const cluster = await pickCluster(io.root, clusterName, live.context);
  const rendered = await repo.renderApps(io.root, await repo.listApplications(io.root, cluster), {
    runner,
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  return mapLimit(rendered, 4, async (app) => {
    if (app.skipped) {
      // An operator's release is remote too: judge the workloads its spec sizes, in its namespace.
      const upstream = COMPONENTS.find((c) => c.name === app.component)?.upstream;
      if (upstream) {
        const known = upstream.workloads.map(upstreamWorkloadPatch).map((o) => ({
          ...o,
          metadata: { ...o.metadata, namespace: upstream.namespace },
        }));
        const workloads = await mapLimit(known, 4, async (desired) => ({
          desired,
          live: await live.get(desired.apiVersion, desired.kind, desired.metadata.name, upstream.namespace),
        }));
        return summarizeDirect(app.app, ARGOCD_NAMESPACE, workloads);
      }
      if (app.component !== 'argocd')
        return summarizeDirect(app.app, ARGOCD_NAMESPACE, [], `not checked: ${app.skipped}`);
      // Argo CD's own install is remote: judge the workloads it is known to run instead, each
      // looked up by name, so an Argo CD that is not installed at all reads Missing, not Healthy.
      const workloads = await mapLimit(argoCdWorkloadObjects(), 4, async (desired) => ({
        desired,
        live: await live.get(desired.apiVersion, desired.kind, desired.metadata.name, ARGOCD_NAMESPACE),
      }));
      return summarizeDirect(app.app, ARGOCD_NAMESPACE, workloads);
    }
    const checks = await mapLimit(app.objects, 8, async (desired) => {
      try {
        return {
          desired,
          live: await live.get(desired.apiVersion, desired.kind, desired.metadata.name, desired.metadata.namespace),
        };
      } catch (e) {
        // The kind itself is not served (e.g. Argo CD's CRDs are gone): the object cannot exist.
        if (e instanceof KubeApiError && e.failure === 'not-found')
          return { desired, live: undefined, missing: e.message };
        throw e;
      }
    });
    return summarizeDirect(app.app, ARGOCD_NAMESPACE, checks);
  });
}

function print(io: Io, json: boolean, live: LiveCluster, mode: string, summaries: ApplicationSummary[]): void {
  const where = `context '${live.context}'`;
  if (json)
    io.stdout(
      `${JSON.stringify({ context: live.context, mode, ok: allApplicationsOk(summaries), applications: summaries }, null, 2)}\n`,
    );
  else io.stdout(renderStatusTable(summaries, where));
}

async function waitForHealthy(
  { io, sleep, now }: Deps,
  live: LiveCluster,
  timing: { timeoutMs: number; intervalMs: number },
): Promise<ApplicationSummary[]> {
  let lastLine = '';
  const result = await waitForApplications({
    read: () => live.applications(),
    timeoutMs: timing.timeoutMs,
    intervalMs: timing.intervalMs,
    sleep,
    now,
    // Argo CD may still be coming up: its CRDs not served yet is worth waiting out.
    isRetryable: (e) => e instanceof KubeApiError && e.failure === 'not-found',
    onRetry: (e, ms) => io.stderr(`${Math.round(ms / 1000)}s: ${(e as Error).message}\n`),
    onPoll: (s, ms) => {
      const line = renderWaitProgress(s, ms);
      // Print a line when something changed, so logs stay short in CI.
      if (line.replace(/^\d+s: /, '') !== lastLine.replace(/^\d+s: /, '')) io.stderr(`${line}\n`);
      lastLine = line;
    },
  });
  if (result.lastError && !result.summaries.length) throw result.lastError;
  if (!result.ok) io.stderr(`timed out after ${Math.round(result.elapsedMs / 1000)}s\n`);
  return result.summaries;
}
