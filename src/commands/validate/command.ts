// `npm run validate`: offline validation of the repository (or of any manifests with
// --files). Checks everything, then shows every problem at once; never touches a cluster.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { renderHuman } from '../../core/validate/format/human.ts';
import { renderJson } from '../../core/validate/format/json.ts';
import { renderJunit } from '../../core/validate/format/junit.ts';
import { RULES } from '../../core/validate/policy/index.ts';
import { type Report, exitCode } from '../../core/validate/report.ts';
import { runFiles } from './files.ts';
import { stderrProgress } from './progress.ts';
import { runRepository } from './repository.ts';
import { bool, type Command, num, str } from '../../cli/types.ts';

function ruleTable(): string {
  return RULES.map((r) => `  ${r.id.padEnd(22)} ${r.title}${r.scope === 'set' ? ' (repository only)' : ''}`).join('\n');
}

async function writeJunit(cwd: string, path: string, report: Report): Promise<void> {
  const target = resolve(cwd, path);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, renderJunit(report));
  } catch (e) {
    throw new UserError(
      `cannot write the JUnit report to ${path}: ${(e as Error).message}`,
      'pass a writable path to --junit',
    );
  }
}

export const command: Command = {
  name: 'validate',
  summary: 'offline: inputs, generated tree up to date, render, schema, policy and budget — every problem at once',
  usage: '[--cluster <name>] [--json] [--junit <file>] [--strict] [--no-policy] | --files [--allow-empty] <path…>',
  positionals: true,
  description: `
Runs without a cluster or network, in this order, collecting every finding:
  1. inputs     every clusters/<name>/cluster.yaml against its schema
  2. freshness  the committed generated tree equals a fresh \`npm run generate\`
  3. render     every Application of every cluster through real kustomize, in parallel;
                Argo CD's own install pulls a remote URL and is reported as skipped
  4. schema     every object against its kind's schema, strictly: unknown fields, wrong
                types, missing required fields, duplicate keys, removed APIs. Kubernetes
                1.36 schemas from the kubernetes-models package, Argo CD's from
                @kubernetes-models/argo-cd; custom resources against a CRD in the same render
  5. policy     the rules below; an object may opt out of a rule with the annotation
                soma.sh/policy-exception: "<rule-id>[,<rule-id>]: <justification>"
                (the report still lists it)
  6. budget     total requests per cluster (Argo CD included) against cluster.yaml's budget

Policy rules:
${ruleTable()}

A kind with no schema (not built in, no CRD rendered with it) is a warning; --strict
makes it, and every other warning, fail. Details: docs/validation.md.

--files <path…> checks any manifest files or directories (.yaml, .yml, .json;
multi-document, List) with the schema and object-level policy rules only. Finding no
object at all is an error (exit 2) unless --allow-empty.

Exit codes: 0 clean, 1 findings, 2 validation could not run (tool missing, unreadable input,
an invalid cluster.yaml, nothing to check with --files).

Examples:
  npm run validate
  npm run validate -- --cluster kind-soma --junit reports/validate.xml
  npm run validate -- --files ./manifests other.yaml --no-policy`,
  options: {
    cluster: {
      type: 'string',
      value: '<name>',
      description: 'only this cluster (inputs and freshness still cover all)',
    },
    json: { type: 'boolean', description: 'print the report as JSON' },
    junit: { type: 'file', value: '<file>', description: 'also write the report as JUnit XML' },
    strict: { type: 'boolean', description: 'warnings fail too (unknown kinds, unused exceptions)' },
    'no-policy': { type: 'boolean', description: 'schema checks only' },
    files: { type: 'boolean', description: 'check the given manifest files/directories instead of the repository' },
    'allow-empty': { type: 'boolean', description: 'with --files: finding no Kubernetes object is not an error' },
    concurrency: {
      type: 'count',
      value: '<n>',
      min: 1,
      max: 64,
      description: 'kustomize processes at once (default: CPU count)',
    },
  },
  async run({ values, positionals, io }) {
    const strict = bool(values, 'strict');
    const policy = !bool(values, 'no-policy');
    const filesMode = bool(values, 'files');
    if (positionals.length && !filesMode)
      throw new UserError(
        `unexpected argument '${positionals[0]}'`,
        'to check manifest files, pass --files before them',
      );
    if (filesMode && str(values, 'cluster'))
      throw new UserError('--cluster does not apply to --files', 'drop one of them');
    if (!filesMode && bool(values, 'allow-empty'))
      throw new UserError('--allow-empty applies to --files only', 'drop it, or check files with --files <path…>');
    const concurrency = num(values, 'concurrency');
    const report = filesMode
      ? await runFiles(io.cwd, positionals, { strict, policy, allowEmpty: bool(values, 'allow-empty') })
      : await runRepository(io.root, {
          cluster: str(values, 'cluster'),
          strict,
          policy,
          concurrency,
          progress: stderrProgress(io),
        });
    const junit = str(values, 'junit');
    if (junit) await writeJunit(io.cwd, junit, report);
    io.stdout(bool(values, 'json') ? renderJson(report) : renderHuman(report));
    return exitCode(report);
  },
};
