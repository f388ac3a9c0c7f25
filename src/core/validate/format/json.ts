// `--json`: the whole report for machines, with the verdict and the rule catalogue so a
// consumer needs nothing else to explain a finding. Stable key order, sorted lists.
import { RULES } from '../policy/index.ts';
import { type Report, exitCode, failing, uncheckedKinds } from '../report.ts';

export function renderJson(r: Report): string {
  const fail = failing(r);
  const doc = {
    ok: fail.length === 0,
    exitCode: exitCode(r),
    mode: r.mode,
    strict: r.strict,
    policy: r.policy,
    counts: {
      ...r.counts,
      errors: r.findings.filter((f) => f.severity === 'error').length,
      warnings: r.findings.filter((f) => f.severity === 'warning').length,
    },
    findings: r.findings,
    exceptions: r.exceptions,
    skipped: r.skipped,
    unchecked: uncheckedKinds(r),
    budgets: r.budgets,
    schemas: r.schemas,
    rules: r.policy
      ? RULES.map((x) => ({
          id: x.id,
          title: x.title,
          rationale: x.rationale,
          fix: x.fix,
          repositoryOnly: x.scope === 'set',
        }))
      : [],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
