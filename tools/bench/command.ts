import { choice, COMMON, integer } from '../../src/cli/options.ts';
import { defineCommand } from '../../src/cli/types.ts';
import type { Io } from '../../src/cli/types.ts';
import { type Figure, formatFigure, machine, met } from './measure.ts';

const SUITES = ['files', 'diff', 'startup', 'validate', 'parse'] as const;
type Suite = (typeof SUITES)[number];

export const command = defineCommand({
  name: 'bench',
  summary: 'measure what users run, each figure against its floor measured in the same run',
  usage: '[--only <suite>] [--objects <n>] [--clusters <n>] [--json]',
  description: `
Each figure is the wall time of a command run the way a user runs it (a fresh process),
printed as a ratio to its floor — the least the same result can cost, measured in the same
run — against the target ratio (figures are recorded in docs/performance.md):
  files     validate --files on 1,000 and 10,000 objects vs the same objects' schema check alone
  diff      a one-component change at 3, 12 and 48 clusters vs the kustomize builds of the
            changed folders plus start-up; a warm diff with no change vs bare start-up
  startup   global --help and a command's --help vs bare start-up (--version)
  validate  npm run validate vs rendering the same overlays with bare kustomize, in a row
  parse     reading 1, 10 and 50 MB multi-document YAML files: seconds per MB must not grow

Exit codes: 0 targets met, 1 a target missed, 2 could not run.`,
  options: {
    only: choice(SUITES, 'run one suite'),
    objects: integer('<n>', 'files: one corpus of this many objects instead of 1,000 and 10,000', { min: 100 }),
    clusters: integer('<n>', 'diff: one repository of this many clusters instead of 3, 12 and 48', { min: 3 }),
    json: COMMON.json('print the figures as JSON'),
  },
  async run({ only, objects, clusters, json }, { io }) {
    const run = (s: Suite) => !only || only === s;
    const figures: Figure[] = [];
    if (run('files'))
      figures.push(
        ...(await (await import('./files-bench.ts')).runFilesBench(io, { sizes: objects ? [objects] : undefined })),
      );
    if (run('diff'))
      figures.push(
        ...(await (await import('./diff-bench.ts')).runDiffBench(io, { sizes: clusters ? [clusters] : undefined })),
      );
    if (run('startup')) figures.push(...(await (await import('./startup-bench.ts')).runStartupBench(io)));
    if (run('validate')) figures.push(...(await (await import('./validate-bench.ts')).runValidateBench(io)));
    let worst = figures.every(met) ? 0 : 1;
    if (figures.length) report(io, figures, json);
    if (run('parse')) worst = Math.max(worst, await (await import('./parse-bench.ts')).runParseBench(io, { json }));
    return worst;
  },
});

function report(io: Io, figures: readonly Figure[], json?: boolean): void {
  if (json) {
    const rows = figures.map((f) => ({ ...f, ratio: f.seconds / f.floorSeconds, met: met(f) }));
    io.stdout(`${JSON.stringify({ machine: machine(), figures: rows, targetsMet: figures.every(met) }, null, 2)}\n`);
    return;
  }
  const lines = [`bench — ${machine()}; each figure: seconds, its floor, the ratio, the target`];
  for (const suite of new Set(figures.map((f) => f.suite))) {
    lines.push(suite);
    for (const f of figures.filter((x) => x.suite === suite)) lines.push(formatFigure(f));
  }
  io.stdout(`${lines.join('\n')}\n`);
}
