// `npm run teardown`: delete the project's local Kind cluster, after confirmation.
// Only `kind delete cluster --name <kind.name>` is ever run, and only for a cluster.yaml
// with a kind: section whose kubeconfig context (if present) is a local Kind cluster.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, duration, flag, text } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'teardown',
  summary: SUMMARIES.teardown,
  usage: '[--cluster <name>] [--yes] [--context <name>] [--hub-context <name>] [--confirm <context>] [--json]',
  description: `
Kind: deletes the Kind cluster (clusters/<cluster>/cluster.yaml with a kind: section) with
\`kind delete cluster --name <kind.name>\`, which also removes its kubeconfig context. It
refuses a kind-<name> context that does not point at this machine. Without --yes it asks
on a terminal and refuses otherwise.

Any other cluster is never deleted. Teardown removes what bootstrap put into it: the root
Application (Argo CD deletes every component and what it deployed, namespace soma-infra and
its Secrets included), the repository Secret, then either the hub registration (cluster
Secret in the hub, ServiceAccount kube-system/argocd-manager and its rights) or, standalone,
Argo CD itself; the marker ConfigMap last. It acts only where the marker names the cluster,
refuses a hub that still manages other clusters, and asks on a terminal naming the
context; scripts pass --confirm <context> (--yes is not enough).

Exit codes: 0 deleted or nothing to delete, 1 not confirmed, 2 could not run.

Examples:
  npm run teardown
  npm run teardown -- --yes
  npm run teardown -- --cluster staging --confirm soma-staging`,
  options: {
    cluster: text('<name>', 'cluster under clusters/', { default: 'kind-soma' }),
    yes: flag('do not ask for confirmation (Kind only)', { short: 'y' }),
    context: text('<name>', "the cluster's kubeconfig context (default: context: in cluster.yaml)"),
    'hub-context': COMMON.hubContext(),
    confirm: text('<context>', 'confirm removal from a cluster that is not Kind by naming its context'),
    timeout: duration('how long to wait for Argo CD to delete the Applications', { default: '15m' }),
    json: COMMON.json('machine-readable result on stdout'),
  },
  async run({ timeout, ...options }, deps) {
    const { runTeardown } = await import('./run.ts');
    return runTeardown({ ...options, timeoutMs: timeout }, deps);
  },
});
