// The smoke report as text: one line per check with its evidence, and a summary.
import type { SmokeReport } from './run.ts';

const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

export function renderSmokeText(report: SmokeReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.map((c) => `${MARK[c.result]}  ${c.name.padEnd(width)}  ${c.title}\n      ${c.evidence}`);
  const count = (r: 'pass' | 'fail' | 'skip') => report.checks.filter((c) => c.result === r).length;
  lines.push(
    '',
    `${count('fail') ? `${count('fail')} of ${report.checks.length - count('skip')} checks failed` : `all ${count('pass')} checks passed`}${count('skip') ? ` (${count('skip')} skipped)` : ''} on context '${report.context}' (cluster ${report.cluster}, run ${report.runId})`,
  );
  return `${lines.join('\n')}\n`;
}
