// `npm run smoke`: the readiness checklist (docs/operations.md) against the live cluster, each
// check with pass/fail and evidence, through short-lived Jobs that clean up after themselves.
import { choices, COMMON, duration, flag } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { NAMESPACE, SMOKE_PREFIX } from '../../core/names.ts';
import { PODS_CHECK, SMOKE_CHECKS } from './index.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

const NAMES = [PODS_CHECK, ...SMOKE_CHECKS.map((c) => c.name)];

export const command = defineCommand({
  name: 'smoke',
  summary: SUMMARIES.smoke,
  usage: '[--context <name>] [--cluster <name>] [--only <check>…] [--timeout <duration>] [--keep] [--json]',
  description: `
Checks, each with pass/fail and evidence:
  pods           every pod in ${NAMESPACE} Ready (read from the API)
  postgres       SELECT 1 with the credentials Secret; with a backup target, WAL archived within 15 min
  redis          PING
  kafka          metadata (broker count) and a topic round-trip
  opa            one request that must be allowed, one that must be denied
  vault          health (initialized, unsealed) over HTTPS, verified with the in-cluster CA
  etcd           health
  prometheus     every scrape target up, a target in every job of the cluster's components
  grafana        health and every datasource working
  networkpolicy  postgres reachable from a namespace labelled soma.sh/allow-shared-infra=true,
                 not from an unlabelled one

Each check runs as a Job in a namespace this run creates (${SMOKE_PREFIX}-<run>, labelled
as a consumer; plus an unlabelled one for the NetworkPolicy check), with the client
image of the live component (postgres, redis, kafka) or a pinned curl image. Jobs and
namespaces are deleted at the end (--keep leaves them for debugging). Checks of
components not enabled for the cluster are skipped. Every run first deletes the
namespaces earlier runs left behind (e.g. after Ctrl-C), once those runs cannot be
going any more, and says so.

Exit codes: 0 every check passed, 1 a check failed, 2 could not run.

Examples:
  npm run smoke
  npm run smoke -- --only postgres --only networkpolicy --json`,
  options: {
    context: COMMON.context(),
    cluster: COMMON.cluster(),
    only: choices(NAMES, '<check>', 'run only these checks'),
    timeout: duration('per check Job, image pull included (180, 90s, 3m)', { default: '3m' }),
    keep: flag('keep the run’s namespaces and Jobs for debugging'),
    json: COMMON.json('machine-readable report'),
  },
  async run({ timeout, ...rest }, deps) {
    const { runSmoke } = await import('./run.ts');
    return runSmoke({ ...rest, timeoutMs: timeout }, deps);
  },
});
