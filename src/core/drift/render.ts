// The drift report as text: grouped by Application, one line per object, one indented
// entry per field. A value that fits on a line is printed whole; a longer or multi-line
// value is printed as YAML, and a changed one as a unified diff of the lines that differ,
// so nothing is cut. Secret values never appear (compare.ts and owners.ts drop them).
import { diffYaml } from '../diff/text.ts';
import { objectRef } from '../kube.ts';
import { toYaml } from '../yaml.ts';
import type { DriftReport, FieldChange, ObjectDrift } from './types.ts';

const INLINE_MAX = 100;

function inline(v: unknown): string | undefined {
  const s = JSON.stringify(v);
  return s.length <= INLINE_MAX && !(typeof v === 'string' && v.includes('\n')) ? s : undefined;
}

/** A value as block lines: a string as its own lines, anything else as YAML. */
function block(v: unknown): string {
  const text = typeof v === 'string' ? v : toYaml(v);
  return text.endsWith('\n') ? text : `${text}\n`;
}

function indent(text: string, by = '  '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

/** `<head>: <value>` on one line, or `<head>:` and the value below it. */
function withValue(head: string, v: unknown): string {
  const one = inline(v);
  return one !== undefined ? `${head}: ${one}` : `${head}:\n${indent(block(v))}`;
}

function origin(c: FieldChange): string | undefined {
  const when = c.time ? ` at ${c.time}` : '';
  if (c.origin === 'added-outside-git') return `added outside git by ${c.manager ?? 'an unknown manager'}${when}`;
  if (c.origin === 'removed-from-git')
    return `no longer in git, still applied by ${c.manager ?? 'the sync'}${when} (the next sync removes it)`;
  return undefined;
}

function renderMasked(c: FieldChange): string {
  const what =
    origin(c) ??
    (c.op === 'changed' ? 'value differs' : c.op === 'missing' ? 'key missing in the cluster' : 'key not in git');
  return `${c.path}: ${what} (secret value hidden)`;
}

function renderChanged(c: FieldChange): string {
  const [git, live] = [inline(c.desired), inline(c.live)];
  if (git !== undefined && live !== undefined) return `${c.path}: git ${git} → cluster ${live}`;
  const patch = diffYaml(block(c.desired), block(c.live), 2).patch;
  return `${c.path}: differs (- git, + cluster):\n${indent(patch)}`;
}

export function renderChange(c: FieldChange): string {
  if (c.masked) return renderMasked(c);
  const from = origin(c);
  if (from) return withValue(`${c.path}: ${from}`, c.live);
  if (c.op === 'missing') return withValue(`${c.path}: missing in the cluster (git)`, c.desired);
  if (c.op === 'extra') return withValue(`${c.path}: not in git (cluster)`, c.live);
  return renderChanged(c);
}

const STATE_TEXT: Record<ObjectDrift['state'], string> = {
  changed: 'changed',
  missing: 'missing in the cluster',
  orphan: 'in the cluster but not in git',
  error: 'could not compare',
};

function summary(report: DriftReport): string {
  const count = (state: ObjectDrift['state']) => report.drifts.filter((d) => d.state === state).length;
  const where = report.cluster ? ` on ${report.cluster}` : '';
  if (!report.drifts.length) return `no drift${where}: ${report.compared} objects match git (${report.mode})`;
  return `drift${where}: ${count('changed')} changed, ${count('missing')} missing, ${count('orphan')} orphaned, ${count('error')} not comparable (${report.compared} objects compared, ${report.mode})`;
}

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
    for (const c of d.changes) lines.push(indent(renderChange(c), '    '));
  }
  for (const s of report.skipped) lines.push(`${s.app}: not compared — ${s.reason}`);
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}
