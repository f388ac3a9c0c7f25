// `npm run teardown`: delete the project's local Kind cluster, after confirmation.
// Only `kind delete cluster --name <kind.name>` is ever run, and only for a cluster.yaml
// with a kind: section whose kubeconfig context (if present) is a local Kind cluster.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, flag } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';

export const command = defineCommand({
  name: 'teardown',
  summary: 'delete the local Kind cluster (asks first; --yes for scripts)',
  usage: '[--cluster <name>] [--yes] [--json]',
  description: `
Deletes the Kind cluster of a local cluster (clusters/<cluster>/cluster.yaml with a kind:
section) with \`kind delete cluster --name <kind.name>\`, which also removes its kubeconfig
context. It refuses clusters without a kind: section, and a kind-<name> context that does
not point at this machine. Without --yes it asks on a terminal and refuses otherwise.

Exit codes: 0 deleted or nothing to delete, 1 not confirmed, 2 could not run.

Examples:
  npm run teardown
  npm run teardown -- --yes`,
  options: {
    cluster: COMMON.kindCluster(),
    yes: flag('do not ask for confirmation', { short: 'y' }),
    json: COMMON.json('machine-readable result on stdout'),
  },
  async run(options, deps) {
    const { runTeardown } = await import('./run.ts');
    return runTeardown(options, deps);
  },
});
