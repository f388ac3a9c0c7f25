// `status` as text: one row per Application, then for each one that is not OK the
// resources that are not Synced or not Healthy, with Argo CD's message.
import { objectRef } from '../kube.ts';
import type { ApplicationSummary } from './types.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function lastSync(s: ApplicationSummary): string {
  if (!s.operation) return '-';
  return s.operation.finishedAt ? `${s.operation.phase} ${s.operation.finishedAt}` : s.operation.phase;
}

export function renderStatusTable(summaries: readonly ApplicationSummary[], where: string): string {
  if (!summaries.length) return `no Argo CD Applications on ${where}\n`;
  const rows = [['APPLICATION', 'SYNC', 'HEALTH', 'REVISION', 'LAST SYNC', 'MESSAGE']];
  for (const s of summaries) {
    const name = s.children.length ? `${s.name} (root of ${s.children.length})` : s.name;
    rows.push([name, s.sync, s.health, s.revision || '-', lastSync(s), s.ok ? '' : s.message]);
  }
  const lines = table(rows);
  for (const s of summaries.filter((x) => !x.ok && x.problems.length)) {
    lines.push('', `${s.name}: resources not OK`);
    const detail = s.problems.map((p) => [
      `  ${objectRef({ kind: p.kind, metadata: { name: p.name, namespace: p.namespace } })}`,
      p.sync,
      p.health ?? '-',
      p.message,
    ]);
    lines.push(...table(detail));
  }
  const bad = summaries.filter((s) => !s.ok).length;
  lines.push(
    '',
    bad
      ? `${bad} of ${summaries.length} applications not Synced and Healthy on ${where}`
      : `all ${summaries.length} applications Synced and Healthy on ${where}`,
  );
  return `${lines.join('\n')}\n`;
}
