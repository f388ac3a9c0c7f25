// What a person reads: every problem grouped by the file to look at, each naming the
// object, the field (JSON pointer), what is wrong and how to fix it; then the budget
// tables and exceptions; and one closing line with the counts.
import { formatCpu, formatMemory } from '../../quantity.ts';
import { RULES } from '../policy/index.ts';
import { type BudgetTable, type Finding, type Report, failing, formatRef, uncheckedKinds } from '../report.ts';

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.object) parts.push(formatRef(f.object));
  if (f.pointer) parts.push(f.pointer);
  if (!parts.length && f.line) parts.push(`line ${f.line}`);
  else if (f.line && !f.origins) parts.push(`(line ${f.line})`);
  return parts.join('  ');
}

function findingLines(f: Finding, strict: boolean): string[] {
  const level = f.severity === 'warning' && !strict ? 'warning ' : '';
  const lines = [`  ${where(f) || '(whole file)'}`, `    ${level}[${f.rule}] ${f.message}`];
  if (f.fix) lines.push(`    fix: ${f.fix}`);
  const others = (f.sources ?? []).filter((s) => s !== f.file);
  if (others.length) lines.push(`    also from: ${others.join(', ')}`);
  if (f.origins?.length) lines.push(`    rendered in: ${f.origins.join(', ')}`);
  return lines;
}

function counts(r: Report): string {
  const c = r.counts;
  const parts =
    r.mode === 'repository'
      ? [plural(c.clusters, 'cluster'), plural(c.applications, 'application'), plural(c.objects, 'object')]
      : [plural(c.files, 'file'), plural(c.objects, 'object')];
  parts.push(r.policy ? plural(c.rules, 'policy rule') : 'policy off');
  return parts.join(', ');
}

export function renderBudgetTable(t: BudgetTable): string {
  const rows = t.rows.map((r) => [
    r.component + (r.note ? ` (${r.note})` : ''),
    formatCpu(r.cpu),
    formatMemory(r.memory),
    String(r.pods),
  ]);
  rows.push([
    'total',
    formatCpu(t.total.cpu),
    formatMemory(t.total.memory),
    String(t.rows.reduce((n, r) => n + r.pods, 0)),
  ]);
  if (t.budget) {
    const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 100)}%` : '-');
    rows.push([`budget (${t.budget.source})`, formatCpu(t.budget.cpu), formatMemory(t.budget.memory), '']);
    rows.push(['used', pct(t.total.cpu, t.budget.cpu), pct(t.total.memory, t.budget.memory), '']);
  }
  const head = ['component', 'cpu req', 'memory req', 'pods'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [`budget ${t.cluster}:`, line(head), ...rows.map(line)].join('\n');
}

function legend(findings: readonly Finding[]): string[] {
  const fired = new Set(findings.map((f) => f.rule));
  const rules = RULES.filter((r) => fired.has(r.id));
  if (!rules.length) return [];
  return ['', 'why these rules:', ...rules.map((r) => `  ${r.id}: ${r.rationale}`)];
}

export function renderHuman(r: Report): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const key = f.file || '(no file)';
    // Appended in place: copying the list per finding made a file with many findings quadratic.
    const list = byFile.get(key);
    if (list) list.push(f);
    else byFile.set(key, [f]);
  }
  for (const [file, list] of byFile) {
    out.push(file);
    for (const f of list) out.push(...findingLines(f, r.strict));
    out.push('');
  }
  // Clusters with a budget in cluster.yaml; --json carries every cluster's table.
  for (const t of r.budgets.filter((b) => b.budget)) out.push(renderBudgetTable(t), '');
  if (r.exceptions.length) {
    out.push('policy exceptions:');
    for (const e of r.exceptions)
      out.push(`  ${e.rule} on ${formatRef(e.object)} (${e.file}): ${e.justification} [suppressed ${e.suppressed}]`);
    out.push('');
  }
  for (const s of r.skipped) out.push(`skipped: ${s.what}: ${s.reason}`);
  if (r.skipped.length) out.push('');
  const unchecked = uncheckedKinds(r);
  if (unchecked.length) {
    const kinds = unchecked.map((u) => `${u.apiVersion} ${u.kind} (${plural(u.objects, 'object')})`).join(', ');
    out.push(
      `unchecked: no schema offline for ${kinds} (their CRDs come with an upstream install that validate does not fetch): not schema-checked, not counted as valid`,
      '',
    );
  }
  const why = legend(r.findings);
  if (why.length) out.push(...why.slice(1), '');
  const fail = failing(r);
  const warnings = r.findings.filter((f) => f.severity === 'warning' && !r.strict).length;
  if (!fail.length) {
    const extra = [
      warnings ? plural(warnings, 'warning') : '',
      r.skipped.length ? `${r.skipped.length} skipped` : '',
      unchecked.length ? `${unchecked.reduce((n, u) => n + u.objects, 0)} not schema-checked` : '',
      r.exceptions.length ? plural(r.exceptions.length, 'exception') : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push(`validate: OK — ${counts(r)}${extra ? `; ${extra}` : ''}`);
  } else {
    const files = new Set(fail.map((f) => f.file)).size;
    out.push(
      `validate: ${plural(fail.length, 'problem')}${warnings ? ` and ${plural(warnings, 'warning')}` : ''} in ${plural(files, 'file')} — ${counts(r)}`,
    );
  }
  return `${out.join('\n').replace(/^\n+/, '')}\n`;
}
