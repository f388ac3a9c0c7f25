// The drift report as text: grouped by Application, one line per object, one indented
// line per field. Secret values never appear (compare.ts does not pass them on).
import { objectRef } from '../kube.ts';
import type { DriftReport, FieldChange, ObjectDrift } from './types.ts';

function value(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function renderChange(c: FieldChange): string {
  if (c.masked) return `${c.path}: ${c.op === 'changed' ? 'value differs' : c.op === 'missing' ? 'key missing in the cluster' : 'key not in git'} (secret value hidden)`;
  if (c.op === 'missing') return `${c.path}: missing in the cluster (git: ${value(c.desired)})`;
  if (c.op === 'extra') return `${c.path}: not in git (cluster: ${value(c.live)})`;
  return `${c.path}: git ${value(c.desired)} → cluster ${value(c.live)}`;
}

const STATE_TEXT: Record<ObjectDrift['state'], string> = {
  changed: 'changed',
  missing: 'missing in the cluster',
  orphan: 'in the cluster but not in git',
  error: 'could not compare',
};

export function renderDriftText(report: DriftReport): string {
  const lines: string[] = [];
  let current: string | undefined;
  for (const d of report.drifts) {
    if (d.app !== current) {
      current = d.app;
      lines.push(`${d.app || '(no application)'}:`);
    }
    const ref = objectRef({ kind: d.kind, metadata: { name: d.name, namespace: d.namespace } });
    lines.push(`  ${ref}: ${STATE_TEXT[d.state]}${d.message ? ` — ${d.message}` : ''}`);
    for (const c of d.changes) lines.push(`    ${renderChange(c)}`);
  }
  for (const s of report.skipped) lines.push(`${s.app}: not compared — ${s.reason}`);
  const count = (state: ObjectDrift['state']) => report.drifts.filter((d) => d.state === state).length;
  const where = report.cluster ? ` on ${report.cluster}` : '';
  lines.push(
    report.drifts.length
      ? `drift${where}: ${count('changed')} changed, ${count('missing')} missing, ${count('orphan')} orphaned, ${count('error')} not comparable (${report.compared} objects compared, ${report.mode})`
      : `no drift${where}: ${report.compared} objects match git (${report.mode})`,
  );
  return `${lines.join('\n')}\n`;
}
