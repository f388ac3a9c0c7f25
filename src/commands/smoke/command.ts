// `npm run smoke`: the readiness checklist (docs/operations.md) against the live cluster, each
// check with pass/fail and evidence, through short-lived Jobs that clean up after themselves.
import { connectLive, pickCluster } from '../../adapters/kube-live.ts';
import { UserError } from '../../core/errors.ts';
import { NAMESPACE, SMOKE_PREFIX } from '../../core/names.ts';
import { PODS_CHECK, SMOKE_CHECKS } from './index.ts';
import { renderSmokeText } from './render.ts';
import { runSmoke } from './run.ts';
import { CONTEXT_OPTION, timeoutOption } from '../../cli/options.ts';
import { bool, type Command, list, num, str } from '../../cli/types.ts';

const NAMES = [PODS_CHECK, ...SMOKE_CHECKS.map((c) => c.name)];

export const command: Command = {
  name: 'smoke',
  summary: 'run the readiness checklist (docs/operations.md) against the live cluster',
  usage: '[--context <name>] [--cluster <name>] [--only <check>…] [--timeout <duration>] [--keep] [--json]',
  description: `
Checks, each with pass/fail and evidence:
  pods           every pod in ${NAMESPACE} Ready (read from the API)
  postgres       SELECT 1 with the credentials Secret
  redis          PING
  kafka          metadata (broker count) and a topic round-trip
  opa            one request that must be allowed, one that must be denied
  vault          health (initialized, unsealed)
  etcd           health
  prometheus     every scrape target up
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
    context: CONTEXT_OPTION,
    cluster: {
      type: 'string',
      value: '<name>',
      description: 'cluster under clusters/ (default: the one matching the context)',
    },
    only: {
      type: 'string',
      value: '<check>',
      multiple: true,
      description: `run only these checks (${NAMES.join(', ')})`,
    },
    timeout: timeoutOption('180', 'per check Job, image pull included'),
    keep: { type: 'boolean', description: 'keep the run’s namespaces and Jobs for debugging' },
    json: { type: 'boolean', description: 'machine-readable report' },
  },
  async run({ values, io, deps }) {
    const only = list(values, 'only');
    const unknown = only.filter((n) => !NAMES.includes(n));
    if (unknown.length) throw new UserError(`unknown check(s): ${unknown.join(', ')}`, `one of: ${NAMES.join(', ')}`);
    const timeoutMs = num(values, 'timeout')!;
    const live = connectLive(io.env, str(values, 'context'));
    const cluster = await pickCluster(io.root, str(values, 'cluster'), live.context);
    io.stderr(`smoke checks for cluster '${cluster.name}' on context '${live.context}'\n`);
    const report = await runSmoke(live, cluster, {
      timeoutMs,
      pollMs: deps.pollIntervalMs,
      keep: bool(values, 'keep'),
      only,
      runId: deps.newRunId(),
      onProgress: (line) => io.stderr(`${line}\n`),
    });
    io.stdout(bool(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : renderSmokeText(report));
    return report.checks.some((c) => c.result === 'fail') ? 1 : 0;
  },
};
