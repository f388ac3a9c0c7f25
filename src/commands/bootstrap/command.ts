// `npm run bootstrap`: from a fresh clone to a synced, healthy local cluster.
import { defaultDeps } from './deps.ts';
import { renderResult, runBootstrap, runDryRun } from './index.ts';
import { renderDryRunPlan } from './plan.ts';
import type { BootstrapDeps, BootstrapOptions } from './types.ts';
import { timeoutOption } from '../../cli/options.ts';
import { bool, type Command, type CommandContext, num, str } from '../../cli/types.ts';

export function optionsFrom(values: CommandContext['values']): BootstrapOptions {
  return {
    cluster: str(values, 'cluster') ?? 'kind-soma',
    dryRun: bool(values, 'dry-run'),
    timeoutMs: num(values, 'timeout')!,
    degradedGraceMs: num(values, 'degraded-grace')!,
    installTools: bool(values, 'install-tools'),
  };
}

/** The command body with its dependencies given: what the tests drive. */
export async function runBootstrapCommand(ctx: CommandContext, deps: BootstrapDeps): Promise<number> {
  const { io, values } = ctx;
  const options = optionsFrom(values);
  const json = bool(values, 'json');
  if (options.dryRun) {
    const { code, plan } = await runDryRun(options, deps);
    io.stdout(json ? `${JSON.stringify({ dryRun: true, ...plan }, null, 2)}\n` : renderDryRunPlan(plan));
    if (code && !json) io.stderr(`error: preflight found ${plan.problems.length} problem(s), listed above; bootstrap would stop there\n`);
    return code;
  }
  const { code, result } = await runBootstrap(options, deps);
  const text = renderResult(result);
  if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(text.stdout);
  io.stderr(text.stderr);
  return code;
}

export const command: Command = {
  name: 'bootstrap',
  summary: 'create the local Kind cluster with Argo CD and wait until every Application is Synced and Healthy',
  usage: '[--cluster <name>] [--dry-run] [--timeout <duration>] [--install-tools] [--json]',
  description: `
Steps, each printed with its duration:
  1. preflight   Node, Docker (and its CPU/memory), kind, kubectl, host ports, git revision
  2. cluster     create the Kind cluster from bootstrap/clusters/<cluster>/kind-config.yaml, or reuse it
  3. argocd      server-side apply of bootstrap/argocd (CRDs first), wait for its workloads
  4. secrets     dev secrets with random values, created only if absent (never rotated)
  5. repository  register the git repository with Argo CD (token from GIT_TOKEN/GITHUB_TOKEN)
  6. root-app    apply bootstrap/clusters/<cluster>/root-app.yaml
  7. wait        until every Application is Synced and Healthy at the pushed revision
  8. access      print the Argo CD and Grafana addresses and how to log in

Re-running converges and changes nothing on a healthy cluster. Only the context
kind-<kind.name> is ever used. A private repository needs GIT_TOKEN (or GITHUB_TOKEN;
GIT_USERNAME defaults to x-access-token).

Exit codes: 0 healthy, 1 not healthy in time (or Degraded), 2 could not run.

Examples:
  npm run bootstrap
  npm run bootstrap -- --dry-run
  npm run -s bootstrap -- --install-tools --timeout 20m --json > reports/bootstrap.json`,
  options: {
    cluster: { type: 'string', value: '<name>', default: 'kind-soma', description: 'cluster under clusters/ (must have a kind: section)' },
    'dry-run': { type: 'boolean', description: 'print what would be created and applied; touch nothing' },
    timeout: timeoutOption('15m', 'how long each wait (node, Argo CD, Applications) may take'),
    'degraded-grace': { type: 'duration', value: '<duration>', default: '3m', description: 'fail once an Application has been Degraded this long' },
    'install-tools': { type: 'boolean', description: 'install missing/unsupported kind and kubectl (pinned, SHA-256 verified) into .tools/bin' },
    json: { type: 'boolean', description: 'machine-readable result on stdout (per-step and per-component timings)' },
  },
  run: (ctx) => runBootstrapCommand(ctx, defaultDeps(ctx.io)),
};
