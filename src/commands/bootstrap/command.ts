// `npm run bootstrap`: from a fresh clone to a synced, healthy local cluster.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, duration, flag } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';

export const command = defineCommand({
  name: 'bootstrap',
  summary: 'create the local Kind cluster with Argo CD and wait until every Application is Synced and Healthy',
  usage: '[--cluster <name>] [--dry-run] [--timeout <duration>] [--install-tools] [--json]',
  description: `
Steps, each printed with its duration:
  1. preflight   Node, Docker (and its CPU/memory), kind, kubectl, host ports, git revision
  2. cluster     create the Kind cluster from bootstrap/clusters/<cluster>/kind-config.yaml, or reuse it
  3. argocd      server-side apply of bootstrap/argocd (CRDs first), wait for its workloads
  4. secrets     dev secrets with random values, created only if absent (never rotated)
  5. repository  register the git repository with Argo CD (token from GIT_TOKEN/GITHUB_TOKEN);
                 with repository.serve: local, run the in-cluster git server and push HEAD to it
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
    cluster: COMMON.kindCluster(),
    'dry-run': flag('print what would be created and applied; touch nothing'),
    timeout: duration('how long each wait (node, Argo CD, Applications) may take (900, 90s, 15m, 1h)', { default: '15m' }),
    'degraded-grace': duration('fail once an Application has been Degraded this long', { default: '3m' }),
    'install-tools': flag('install missing/unsupported kind and kubectl (pinned, SHA-256 verified) into .tools/bin'),
    json: COMMON.json('machine-readable result on stdout (per-step and per-component timings)'),
  },
  async run({ cluster, dryRun, timeout, degradedGrace, installTools, json }, deps) {
    const { runBootstrap } = await import('./run.ts');
    return runBootstrap({ cluster: cluster, dryRun, timeoutMs: timeout, degradedGraceMs: degradedGrace, installTools, json }, deps);
  },
});
