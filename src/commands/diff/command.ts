// `npm run diff`: what a change does to every cluster, as rendered manifests compared
// object by object between two revisions. This module is the flag table and help; the
// work is in run.ts, loaded only to run.
import { defineCommand } from '../../cli/types.ts';
import { CACHE_DIR, DIFF_FLAGS, diffOptions } from './options.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'diff',
  summary: SUMMARIES.diff,
  usage: '--base <ref> [--head <ref>] [--format <format>] [--out <file>] [--post [--repo owner/name] [--pr <n>]]',
  description: `
Renders the Applications of every cluster at the base revision (read from git's objects,
no worktree) and at the head (the working tree unless --head names a revision), with real
kustomize, and compares them object by object (matched by group/kind/namespace/name).
For each changed object it shows a diff with context, what applying it does (rollout,
scale, volume expansion, must be recreated, prune) and the generated files it came from.
Secret values are never shown: only which keys were added, removed or changed.

Renders are keyed by the git blob ids of each Application's input files and kept in
${CACHE_DIR}/: an Application whose inputs are the same at both revisions is neither
rendered nor compared, and one rendered by an earlier run is not rendered again.

--post creates or updates one pull-request comment (found again by a hidden marker),
using GITHUB_TOKEN and the repository and PR number from the GitHub Actions environment,
or --repo/--pr. The comment stays under GitHub's size limit by leaving out whole objects
from the end; the summary is always complete, and --out saves the full diff.

Exit codes: 0 no changes, 1 changes, 2 could not run (or could not post).

Examples:
  npm run diff -- --base origin/main
  npm run diff -- --base v1.4.0 --head HEAD --format json
  npm run diff -- --base origin/main --out reports/diff.md --post`,
  options: DIFF_FLAGS,
  async run(flags, deps) {
    const options = diffOptions(flags, deps.io);
    const { runDiff } = await import('./run.ts');
    return runDiff(options, deps);
  },
});
