import { runDiffBench } from './diff-bench.ts';
import { runParseBench } from './parse-bench.ts';
import { runValidateBench } from './validate-bench.ts';
import { choice, COMMON, integer } from '../../src/cli/options.ts';
import { defineCommand } from '../../src/cli/types.ts';

const SUITES = ['validate', 'diff', 'parse'] as const;

export const command = defineCommand({
  name: 'bench',
  summary: 'measure validation throughput, validate vs bare kustomize, and diff timings',
  usage: '[--only <suite>] [--objects <n>] [--json]',
  description: `
Benchmarks, measured on this machine (figures are recorded in docs/performance.md):
  validate  schema+policy objects/second over a synthetic corpus (default 10,000 objects),
            and the wall time of a full \`npm run validate\` against rendering the same
            overlays one after another with bare \`kubectl kustomize\`
  diff      wall time of \`npm run diff\` over the whole repository and for a change to
            one component, in temporary git repositories
  parse     reading 1, 10 and 50 MB multi-document YAML files (what validate --files,
            health and drift do): seconds per MB must not grow with the size

Exit codes: 0 targets met, 1 a target missed, 2 could not run.`,
  options: {
    only: choice(SUITES, 'run one suite'),
    objects: integer('<n>', 'size of the synthetic validation corpus', { min: 100, default: '10000' }),
    json: COMMON.json('print the figures as JSON'),
  },
  async run({ only, objects, json }, { io }) {
    let worst = 0;
    if (!only || only === 'validate') worst = Math.max(worst, await runValidateBench(io, { objects, json }));
    if (!only || only === 'diff') worst = Math.max(worst, await runDiffBench(io, { json }));
    if (!only || only === 'parse') worst = Math.max(worst, await runParseBench(io, { json }));
    return worst;
  },
});
