// `npm run status`: every Argo CD Application's sync, health, revision and last sync, and
// the resources that are not OK. `--direct` judges health from the live objects instead.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, duration, flag } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'status',
  summary: SUMMARIES.status,
  usage:
    '[--cluster <name>] [--context <name>] [--hub-context <name>] [--wait [--timeout <duration>]] [--direct] [--json]',
  description: `
Reads the Argo CD Applications of the cluster (namespace ${ARGOCD_NAMESPACE}) and prints one row
per Application: sync status, health, revision and last sync result. For every
Application that is not Synced and Healthy it lists the resources that are not, with
Argo CD's message. A root (app-of-apps) Application shows its children's worst state.

--direct skips Argo CD: it renders what git says each Application deploys and judges
the live objects with the same health rules Argo CD uses (Missing when absent). Use it
when Argo CD is not installed or not working. It does not judge sync (see \`npm run drift\`).

With --cluster, only that cluster's Applications are shown, read from the Argo CD that
owns them: for a cluster managed from a hub, the hub's (its context from the hub's
cluster.yaml, or --hub-context); --direct reads the objects from the cluster's own
context (cluster.yaml context:, or --context).

Exit codes: 0 all Synced and Healthy, 1 something is not, 2 could not check (no
cluster, no Argo CD, no permission — the message says which).

Examples:
  npm run status
  npm run status -- --wait --timeout 15m
  npm run status -- --context kind-soma --direct --json
  npm run status -- --cluster staging --wait`,
  options: {
    context: COMMON.context(),
    wait: flag('wait until every Application is Synced and Healthy'),
    timeout: duration('with --wait: give up after this long (900, 90s, 15m, 1h)', { default: '10m' }),
    interval: duration('with --wait: time between polls', { default: '5s' }),
    direct: flag('judge health from the live objects, without Argo CD'),
    cluster: COMMON.cluster(
      'cluster under clusters/ (default: all Applications of the context; with --direct, the cluster matching it)',
    ),
    'hub-context': COMMON.hubContext(),
    json: COMMON.json('machine-readable output'),
  },
  async run({ timeout, interval, ...rest }, deps) {
    const { runStatus } = await import('./run.ts');
    return runStatus({ ...rest, timeoutMs: timeout, intervalMs: interval }, deps);
  },
});
