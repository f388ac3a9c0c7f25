// `npm run status`: every Argo CD Application's sync, health, revision and last sync, and
// the resources that are not OK. `--direct` judges health from the live objects instead.
import { connectLive, pickCluster, type LiveCluster } from '../adapters/kube-live.ts';
import { KubeApiError } from '../adapters/kube.ts';
import { listApplications, renderApps } from '../adapters/render.ts';
import { UserError } from '../core/errors.ts';
import {
  allApplicationsOk,
  renderStatusTable,
  renderWaitProgress,
  summarizeApplications,
  summarizeDirect,
  waitForApplications,
  type ApplicationSummary,
} from '../core/health.ts';
import { mapLimit } from '../core/pool.ts';
import { ARGOCD_NAMESPACE } from '../core/names.ts';
import { CONTEXT_OPTION, timeoutOption } from '../cli/options.ts';
import { bool, type Command, type Io, num, str } from '../cli/types.ts';

/** Health from the live objects git says each Application deploys (no Argo CD needed). */
async function directSummaries(
  io: Io,
  live: LiveCluster,
  clusterName: string | undefined,
): Promise<ApplicationSummary[]> {
  const cluster = await pickCluster(io.root, clusterName, live.context);
  const rendered = await renderApps(io.root, await listApplications(io.root, cluster), {
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  return mapLimit(rendered, 4, async (app) => {
    if (app.skipped) {
      if (app.component !== 'argocd')
        return summarizeDirect(app.app, ARGOCD_NAMESPACE, [], `not checked: ${app.skipped}`);
      // Argo CD's own install is remote: judge the workloads in its namespace instead.
      const workloads = [
        ...(await live.list('apps/v1', 'Deployment', { namespace: ARGOCD_NAMESPACE })),
        ...(await live.list('apps/v1', 'StatefulSet', { namespace: ARGOCD_NAMESPACE })),
      ];
      return summarizeDirect(
        app.app,
        ARGOCD_NAMESPACE,
        workloads.map((o) => ({ desired: o, live: o })),
      );
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

async function runWait(
  io: Io,
  live: LiveCluster,
  timing: { timeoutMs: number; intervalMs: number },
): Promise<ApplicationSummary[]> {
  let lastLine = '';
  const result = await waitForApplications({
    read: () => live.applications(),
    ...timing,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
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

export const command: Command = {
  name: 'status',
  summary: 'live sync and health of every Argo CD Application, and what is not OK',
  usage: '[--context <name>] [--wait [--timeout <duration>]] [--direct [--cluster <name>]] [--json]',
  description: `
Reads the Argo CD Applications of the cluster (namespace ${ARGOCD_NAMESPACE}) and prints one row
per Application: sync status, health, revision and last sync result. For every
Application that is not Synced and Healthy it lists the resources that are not, with
Argo CD's message. A root (app-of-apps) Application shows its children's worst state.

--direct skips Argo CD: it renders what git says each Application deploys and judges
the live objects with the same health rules Argo CD uses (Missing when absent). Use it
when Argo CD is not installed or not working. It does not judge sync (see \`npm run drift\`).

Exit codes: 0 all Synced and Healthy, 1 something is not, 2 could not check (no
cluster, no Argo CD, no permission — the message says which).

Examples:
  npm run status
  npm run status -- --wait --timeout 900
  npm run status -- --context kind-soma --direct --json`,
  options: {
    context: CONTEXT_OPTION,
    wait: { type: 'boolean', description: 'wait until every Application is Synced and Healthy' },
    timeout: timeoutOption('600', 'with --wait: give up after this long'),
    interval: { type: 'duration', value: '<duration>', default: '5', description: 'with --wait: time between polls' },
    direct: { type: 'boolean', description: 'judge health from the live objects, without Argo CD' },
    cluster: {
      type: 'string',
      value: '<name>',
      description: 'with --direct: cluster under clusters/ (default: the one matching the context)',
    },
    json: { type: 'boolean', description: 'machine-readable output' },
  },
  async run({ values, io }) {
    const json = bool(values, 'json');
    if (bool(values, 'direct') && bool(values, 'wait'))
      throw new UserError('--wait works with Argo CD only; drop --direct or --wait');
    const timing = { timeoutMs: num(values, 'timeout')!, intervalMs: num(values, 'interval')! };
    const live = connectLive(io.env, str(values, 'context'));
    let summaries: ApplicationSummary[];
    if (bool(values, 'direct')) summaries = await directSummaries(io, live, str(values, 'cluster'));
    else if (bool(values, 'wait')) summaries = await runWait(io, live, timing);
    else summaries = summarizeApplications(await live.applications());
    print(io, json, live, bool(values, 'direct') ? 'direct' : 'argocd', summaries);
    return allApplicationsOk(summaries) ? 0 : 1;
  },
};
