// `npm run sync`: local mode's edit-commit-see loop (docs/bootstrap.md, "Local mode").
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, duration, text } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'sync',
  summary: SUMMARIES.sync,
  usage: '[--cluster <name> | --context <name>] [--timeout <duration>] [--json]',
  description: `
For a Kind cluster whose cluster.yaml sets repository.serve: local (bootstrapped with
\`npm run bootstrap\`). Steps, each printed with its duration:
  1. push  check the generated tree is up to date and committed, then push HEAD to the
           in-cluster git server as repository.revision (forced: the server mirrors this checkout)
  2. wait  until every Application is Synced and Healthy at that commit (the same wait,
           progress and per-component timing as bootstrap)

It refuses, before pushing, when \`npm run generate -- --check\` would fail or when generated
files have uncommitted changes: Argo CD deploys the commit, not the work tree. The push uses
the admin credential from the cluster's Secret soma-git/git-server-admin; it is passed to git
through its environment only and never printed.

Exit codes: 0 healthy at HEAD, 1 not healthy in time (or Degraded), 2 could not run.

Examples:
  git commit -am 'grafana: more memory' && npm run sync
  npm run sync -- --timeout 5m --json`,
  options: {
    cluster: COMMON.kindCluster(),
    context: text(
      '<name>',
      'kubeconfig context of the Kind cluster (kind-<kind.name>); picks the cluster instead of --cluster',
    ),
    timeout: duration('how long the wait may take (900, 90s, 15m, 1h)', { default: '10m' }),
    'degraded-grace': duration('fail once an Application has been Degraded this long', { default: '3m' }),
    json: COMMON.json('machine-readable result on stdout (per-step and per-component timings)'),
  },
  async run({ cluster, context, timeout, degradedGrace, json }, deps) {
    const { runSync } = await import('./run.ts');
    return runSync({ cluster, context, timeoutMs: timeout, degradedGraceMs: degradedGrace, json }, deps);
  },
});
