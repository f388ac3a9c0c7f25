// The terminal format: the same summary and sections as the comment, as plain text,
// coloured only when a person is watching a terminal.
import {
  appStatusText,
  attentionItems,
  changedApps,
  headline,
  impactLabel,
  lines,
  revisionLabel,
  secretKeysText,
  SUMMARY_HEADER,
  summaryRows,
} from './present.ts';
import type { AppDiff, DiffReport, ObjectDiff } from './types.ts';

export interface TextOptions {
  color?: boolean;
}

interface Paint {
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
}

function paint(color: boolean): Paint {
  const wrap = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36'), dim: wrap('2') };
}

export function renderText(report: DiffReport, opts: TextOptions = {}): string {
  const p = paint(opts.color ?? false);
  const out: string[] = [
    p.bold(`Rendered manifest diff: ${revisionLabel(report.base)} → ${revisionLabel(report.head)}`),
    '',
    headline(report),
    '',
  ];
  out.push(
    ...columns([SUMMARY_HEADER.map((h) => h.replace(' added / removed / changed', ' +/-/~')), ...summaryRows(report)]),
    '',
  );
  const items = attentionItems(report);
  if (items.length) {
    out.push(p.bold('Needs attention:'));
    for (const i of items)
      out.push(`  ${i.severity === 'danger' ? p.red('DANGER ') : p.yellow('warning')} ${i.where}: ${i.message}`);
    out.push('');
  }
  for (const cluster of report.clusters) {
    for (const app of changedApps(cluster)) out.push(...appText(app, p));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function appText(app: AppDiff, p: Paint): string[] {
  const out = [
    p.bold(
      p.cyan(
        `== ${app.cluster} / ${app.app} (${app.path}): ${appStatusText(app)}, ${lines(app.linesAdded, app.linesRemoved)}`,
      ),
    ),
  ];
  if (app.skipped !== undefined) {
    out.push(`   not rendered: ${app.skipped}`);
    if (app.changedInputs?.length) out.push(`   changed inputs: ${app.changedInputs.join(', ')}`);
  }
  for (const o of app.objects) out.push(...objectText(o, p));
  out.push('');
  return out;
}

function objectText(o: ObjectDiff, p: Paint): string[] {
  const out = ['', p.bold(`-- ${o.ref} (${o.status}, ${lines(o.linesAdded, o.linesRemoved)})`)];
  for (const i of o.impacts) {
    const label = impactLabel(i);
    out.push(
      `   ${i.severity === 'danger' ? p.red(label) : i.severity === 'warning' ? p.yellow(label) : p.dim(label)}: ${i.message}`,
    );
  }
  const secrets = secretKeysText(o);
  if (secrets) out.push(`   ${secrets}`);
  if (o.sources.length) {
    const changed = new Set(o.changedSources);
    out.push(`   from: ${o.sources.map((f) => (changed.has(f) ? `${f} (changed)` : f)).join(', ')}`);
  }
  for (const l of o.patch.trimEnd().split('\n')) {
    out.push(l.startsWith('+') ? p.green(l) : l.startsWith('-') ? p.red(l) : l.startsWith('@@') ? p.cyan(l) : l);
  }
  return out;
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
}
