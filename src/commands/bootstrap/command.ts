// `npm run bootstrap`: from a fresh clone to a synced, healthy local cluster.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, duration, flag, text } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'bootstrap',
  summary: SUMMARIES.bootstrap,
  usage: '[--cluster <name>] [--context <name>] [--hub-context <name>] [--dry-run] [--timeout <duration>] [--install-tools] [--json]',
  description: `
Steps, each printed with its duration:
  1. preflight   Node, kubectl, git revision; Kind: Docker (CPU/memory), kind, host ports;
                 any other cluster: reach it (and its hub), check it is the cluster
                 cluster.yaml names (kube-system UID, destination URL, the marker bootstrap
                 leaves), and that provided Secrets exist
  2. cluster     Kind: create it from bootstrap/clusters/<cluster>/kind-config.yaml, or reuse it;
                 other: record which cluster it is (ConfigMap kube-system/somastack-cluster)
  3. argocd      standalone: server-side apply of bootstrap/argocd (Kind) or bootstrap/argocd-ha
                 (CRDs first), wait for its workloads
     register    managed from a hub: ServiceAccount argocd-manager in the cluster, cluster
                 Secret in the hub's Argo CD (token never shown)
  4. secrets     random values, created only if absent (never rotated); or, with
                 secrets.provider: external, checked to exist
  5. repository  register the git repository with Argo CD (token from GIT_TOKEN/GITHUB_TOKEN);
                 with repository.serve: local, run the in-cluster git server and push HEAD to it
  6. root-app    apply bootstrap/clusters/<cluster>/root-app.yaml (into the hub when managed)
  7. wait        until every Application is Synced and Healthy at the pushed revision
  8. access      print the Argo CD and Grafana addresses and how to log in

Re-running converges and changes nothing on a healthy cluster. A Kind cluster is only ever
reached through kind-<kind.name>; any other through the context cluster.yaml declares (or
--context / --hub-context). Topologies and the hub: docs/bootstrap.md. A private
repository needs GIT_TOKEN (or GITHUB_TOKEN; GIT_USERNAME defaults to x-access-token).

Exit codes: 0 healthy, 1 not healthy in time (or Degraded), 2 could not run.

Examples:
  npm run bootstrap
  npm run bootstrap -- --dry-run
  npm run bootstrap -- --cluster mgmt && npm run bootstrap -- --cluster staging
  npm run -s bootstrap -- --install-tools --timeout 20m --json > reports/bootstrap.json`,
  options: {
    cluster: text('<name>', 'cluster under clusters/', { default: 'kind-soma' }),
    context: text('<name>', "the cluster's kubeconfig context (default: context: in cluster.yaml; not for Kind)"),
    'hub-context': COMMON.hubContext(),
    'dry-run': flag('print what would be created and applied; touch nothing'),
    timeout: duration('how long each wait (node, Argo CD, Applications) may take (900, 90s, 15m, 1h)', { default: '15m' }),
    'degraded-grace': duration('fail once an Application has been Degraded this long', { default: '3m' }),
    'install-tools': flag('install missing/unsupported kind and kubectl (pinned, SHA-256 verified) into .tools/bin'),
    json: COMMON.json('machine-readable result on stdout (per-step and per-component timings)'),
  },
  async run({ cluster, context, hubContext, dryRun, timeout, degradedGrace, installTools, json }, deps) {
    const { runBootstrap } = await import('./run.ts');
    const options = { cluster, dryRun, timeoutMs: timeout, degradedGraceMs: degradedGrace, installTools, json };
    return runBootstrap({ ...options, context, hubContext }, deps);
  },
});
