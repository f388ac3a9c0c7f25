// `npm run validate`: offline validation of the repository (or of any manifests with
// --files). Checks everything, then shows every problem at once; never touches a cluster.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON, flag, integer, outputPath, text } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { RULES } from '../../core/validate/policy/index.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

function ruleTable(): string {
  return RULES.map((r) => `  ${r.id.padEnd(22)} ${r.title}${r.scope === 'set' ? ' (repository only)' : ''}`).join('\n');
}

export const command = defineCommand({
  name: 'validate',
  summary: SUMMARIES.validate,
  usage: '[--cluster <name>] [--json] [--junit <file>] [--strict] [--no-policy] | --files [--allow-empty] <path…>',
  positionals: true,
  description: `
Runs without a cluster or network, in this order, collecting every finding:
  1. inputs     every clusters/<name>/cluster.yaml against its schema
  2. freshness  the committed generated tree equals a fresh \`npm run generate\`
  3. render     every Application of every cluster through real kustomize, in parallel;
                the pinned upstream installs (Argo CD, operators) pull a remote URL and are
                reported as skipped; with --fetch-upstream they are rendered too, and their
                CRDs check the custom resources (the installs themselves are not checked)
  4. schema     every object against its kind's schema, strictly: unknown fields, wrong
                types, missing required fields, duplicate keys, removed APIs. Kubernetes
                1.36 schemas from the kubernetes-models package, Argo CD's from
                @kubernetes-models/argo-cd; custom resources against a CRD in the same render
                or an upstream install (--fetch-upstream); the kinds left unchecked are named
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
  npm run validate -- --files ./manifests other.yaml --no-policy
  npm run validate -- --fetch-upstream      (in CI, where GitHub is reachable)`,
  options: {
    cluster: text('<name>', 'only this cluster (inputs and freshness still cover all)'),
    json: COMMON.json('print the report as JSON'),
    junit: outputPath('<file>', 'also write the report as JUnit XML'),
    strict: flag('warnings fail too (unknown kinds, unused exceptions)'),
    'no-policy': flag('schema checks only'),
    files: flag('check the given manifest files/directories instead of the repository'),
    'allow-empty': flag('with --files: finding no Kubernetes object is not an error'),
    concurrency: integer('<n>', 'kustomize processes at once (default: CPU count)', { max: 64 }),
    'fetch-upstream': flag(
      'also render the pinned upstream installs (Argo CD, operators; needs the network): their CRDs check the custom resources',
    ),
  },
  async run({ positionals, files, noPolicy, ...rest }, deps) {
    const { runValidate } = await import('./run.ts');
    return runValidate(
      {
        ...rest,
        policy: !noPolicy,
        files: files ? positionals : undefined,
        unexpected: files ? undefined : positionals[0],
      },
      deps,
    );
  },
});
