// `npm run generate`: the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, flag } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'generate',
  summary: SUMMARIES.generate,
  usage: '[--check] [--prune] [--json]',
  description: `
Validates every clusters/<name>/cluster.yaml, builds the whole generated tree in memory,
then writes it as one journaled change: new files are staged first, and a run killed at
any instant is completed or rolled back by the next one, so the tree is never half
written. Running it twice changes nothing. One run at a time (.generate.lock).

A file in a generated folder that generate did not write (not in .generated-files) is
never deleted: generate lists it and exits 2; --prune moves it to .pruned/<time>/.

--check writes nothing: it lists stale, missing, extra and foreign files and exits 1
when there are any (what CI and \`npm run validate\` run).

Exit codes: 0 up to date / written, 1 --check found differences, 2 bad input or error.
See docs/architecture.md.`,
  options: {
    check: flag('write nothing; list stale, missing, extra and foreign files, exit 1 when any'),
    prune: flag('move files generate did not write out of the generated folders into .pruned/<time>/'),
    json: COMMON.json('print the result as JSON'),
  },
  async run(options, deps) {
    const { runGenerate } = await import('./run.ts');
    return runGenerate(options, deps);
  },
});
