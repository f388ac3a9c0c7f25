// `npm run status`, top to bottom: connect, read the Applications (or, with --direct, judge
// the live objects git says each Application deploys), optionally wait, print, exit.
import { connectEnds, type LiveEnds } from '../../adapters/cluster-endpoints.ts';
import type { LiveCluster } from '../../adapters/kube-live.ts';
import { KubeApiError } from '../../adapters/kube.ts';
import { argoCdWorkloadObjects, argocdProfile } from '../../core/argocd-install.ts';
import { upstreamWorkloadPatch } from '../../core/component-tree.ts';
import { COMPONENTS } from '../../core/components/index.ts';
import type { KubeObject } from '../../core/kube.ts';
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
import { ARGOCD_NAMESPACE, LABELS } from '../../core/names.ts';
import type { Deps } from '../../cli/deps.ts';
import type { Io } from '../../cli/types.ts';

export interface StatusOptions {
  context?: string;
  hubContext?: string;
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
  // A named cluster (or --direct, which needs one) is read where each part lives: its
  // Applications from the Argo CD that owns them, its objects from the cluster itself.
  const ends = options.direct || options.cluster ? await connectEnds(io.root, deps.connectLive, options) : undefined;
  const live = ends?.argocd ?? (await deps.connectLive(options.context));
  const mine = (apps: KubeObject[]) =>
    ends ? apps.filter((a) => a.metadata.labels?.[LABELS.cluster] === ends.cluster.name) : apps;
  let summaries: ApplicationSummary[];
  if (ends && options.direct) summaries = await directSummaries(deps, ends);
  else if (options.wait) summaries = await waitForHealthy(deps, live, options, mine);
  else summaries = summarizeApplications(mine(await live.applications()));
  print(io, options.json, ends?.target ?? live, options.direct ? 'direct' : 'argocd', summaries, ends);
  return allApplicationsOk(summaries) ? 0 : 1;
}

/** Health from the live objects git says each Application deploys (no Argo CD needed). */
async function directSummaries({ io, repo, runner }: Deps, ends: LiveEnds): Promise<ApplicationSummary[]> {
  const { cluster, target: live } = ends;
  const rendered = await repo.renderApps(io.root, await repo.listApplications(io.root, cluster), {
    runner,
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  return mapLimit(rendered, 4, async (app) => {
    if (app.skipped) {
      // An operator's release is remote too: judge the workloads its spec sizes, in its namespace.
      const upstream = COMPONENTS.find((c) => c.name === app.component)?.upstream;
      if (upstream) {
        const known = upstream.workloads.map((w) => upstreamWorkloadPatch(w, upstream.namespace));
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
      const workloads = await mapLimit(argoCdWorkloadObjects(argocdProfile(cluster)), 4, async (desired) => ({
        desired,
        live: await ends.argocd.get(desired.apiVersion, desired.kind, desired.metadata.name, ARGOCD_NAMESPACE),
      }));
      return summarizeDirect(app.app, ARGOCD_NAMESPACE, workloads);
    }
    // The root app's objects (Applications, AppProject) live where Argo CD runs.
    const side = app.component === 'root' ? ends.argocd : live;
    const checks = await mapLimit(app.objects, 8, async (desired) => {
      try {
        return {
          desired,
          live: await side.get(desired.apiVersion, desired.kind, desired.metadata.name, desired.metadata.namespace),
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

function print(
  io: Io,
  json: boolean,
  live: LiveCluster,
  mode: string,
  summaries: ApplicationSummary[],
  ends?: LiveEnds,
): void {
  const hub = ends && ends.argocd !== ends.target ? ends.argocd.context : undefined;
  const where = `${ends ? `cluster '${ends.cluster.name}', ` : ''}context '${live.context}'${hub ? ` (Applications from hub context '${hub}')` : ''}`;
  if (json) {
    const topology = ends ? { cluster: ends.cluster.name, ...(hub ? { hubContext: hub } : {}) } : {};
    const ok = allApplicationsOk(summaries);
    io.stdout(
      `${JSON.stringify({ context: live.context, ...topology, mode, ok, applications: summaries }, null, 2)}\n`,
    );
  } else io.stdout(renderStatusTable(summaries, where));
}

async function waitForHealthy(
  { io, sleep, now }: Deps,
  live: LiveCluster,
  timing: { timeoutMs: number; intervalMs: number },
  mine: (apps: KubeObject[]) => KubeObject[],
): Promise<ApplicationSummary[]> {
  let lastLine = '';
  const result = await waitForApplications({
    read: async () => mine(await live.applications()),
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
