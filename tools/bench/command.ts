import { runDiffBench } from './diff-bench.ts';
import { runParseBench } from './parse-bench.ts';
import { runValidateBench } from './validate-bench.ts';
import { UserError } from '../../src/core/errors.ts';
import { bool, type Command, str } from '../../src/cli/types.ts';

const SUITES = ['validate', 'diff', 'parse'] as const;

export const command: Command = {
  name: 'bench',
  summary: 'measure validation throughput, validate vs bare kustomize, and diff timings',
  usage: '[--only validate|diff|parse] [--objects <n>] [--json]',
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
    only: { type: 'string', value: '<suite>', description: 'run one suite: validate, diff or parse' },
    objects: { type: 'string', value: '<n>', description: 'size of the synthetic validation corpus', default: '10000' },
    json: { type: 'boolean', description: 'print the figures as JSON' },
  },
  async run({ values, io }) {
    const only = str(values, 'only');
    if (only && !(SUITES as readonly string[]).includes(only))
      throw new UserError(`unknown suite '${only}'`, `one of: ${SUITES.join(', ')}`);
    const objects = Number(str(values, 'objects') ?? '10000');
    if (!Number.isInteger(objects) || objects < 100)
      throw new UserError(`--objects must be a whole number of at least 100, not '${str(values, 'objects')}'`);
    const json = bool(values, 'json');
    let worst = 0;
    if (!only || only === 'validate') worst = Math.max(worst, await runValidateBench(io, { objects, json }));
    if (!only || only === 'diff') worst = Math.max(worst, await runDiffBench(io, { json }));
    if (!only || only === 'parse') worst = Math.max(worst, await runParseBench(io, { json }));
    return worst;
  },
};
