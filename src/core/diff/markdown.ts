// The pull-request comment: a complete summary, then one collapsible section per
// Application with a diff block per object. With a limit, object blocks are dropped
// from the end (never cut in half) and a note points at the full diff.
import { allObjects } from './engine.ts';
import {
  appStatusText,
  attentionItems,
  changedApps,
  headline,
  lines,
  revisionLabel,
  secretKeysText,
  SUMMARY_HEADER,
  summaryRows,
} from './present.ts';
import type { AppDiff, ClusterDiff, DiffReport, ObjectDiff, Severity } from './types.ts';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Hidden first line that marks the comment as this tool's. */
  marker?: string;
  /** Maximum length in characters; no limit when unset. */
  limit?: number;
  /** Where the full diff is, for the truncation note (Markdown, e.g. a link to the CI run). */
  fullDiff?: string;
  /** How to produce the full diff locally, for the truncation note. */
  command?: string;
}

const ICON: Record<Severity, string> = { danger: '⛔', warning: '⚠️', info: 'ℹ️' };
const MAX_ATTENTION = 40;
const CLOSE = '</details>\n\n';

export function renderMarkdown(report: DiffReport, opts: MarkdownOptions = {}): string {
  const head = renderSummary(report, opts);
  const sections = renderSections(report);
  const footer = `\n<sub>Rendered by \`npm run diff\` with kustomize; Secret values are never shown.</sub>\n`;
  const full = head + sections.map((s) => s.text).join('') + footer;
  if (opts.limit === undefined || full.length <= opts.limit) return full;
  return truncate(report, head, sections, footer, opts);
}

function renderSummary(report: DiffReport, opts: MarkdownOptions): string {
  const out: string[] = [];
  if (opts.marker) out.push(opts.marker);
  out.push(
    `### Rendered manifest diff`,
    '',
    `\`${revisionLabel(report.base)}\` → \`${revisionLabel(report.head)}\``,
    '',
    `**${headline(report)}**`,
    '',
  );
  out.push(table(SUMMARY_HEADER, summaryRows(report)), '');
  const items = attentionItems(report);
  if (items.length) {
    out.push('**Needs attention**', '');
    for (const i of items.slice(0, MAX_ATTENTION)) out.push(`- ${ICON[i.severity]} \`${i.where}\`: ${i.message}`);
    if (items.length > MAX_ATTENTION) out.push(`- … and ${items.length - MAX_ATTENTION} more below`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

/** A piece of the details: a cluster heading, an app's opening/closing, or one object block. */
interface Section {
  text: string;
  kind: 'cluster' | 'open' | 'object' | 'close';
}

function renderSections(report: DiffReport): Section[] {
  const out: Section[] = [];
  for (const cluster of report.clusters) {
    const apps = changedApps(cluster);
    if (!apps.length) continue;
    out.push({
      kind: 'cluster',
      text: `#### ${cluster.cluster} (${cluster.environment})${cluster.status ? ` — cluster ${cluster.status}` : ''}\n\n`,
    });
    for (const app of apps) {
      out.push({ kind: 'open', text: appOpen(cluster, app) });
      for (const o of app.objects) out.push({ kind: 'object', text: objectBlock(o) });
      out.push({ kind: 'close', text: CLOSE });
    }
  }
  return out;
}

function appOpen(cluster: ClusterDiff, app: AppDiff): string {
  const summary = `<b>${esc(app.app)}</b> · ${esc(appStatusText(app))} · ${lines(app.linesAdded, app.linesRemoved)}`;
  const out = [`<details><summary>${summary}</summary>`, ''];
  out.push(`Cluster \`${cluster.cluster}\`, component \`${app.component}\`, source \`${app.path}\``, '');
  if (app.skipped !== undefined) {
    out.push(`Not rendered: ${app.skipped}.`);
    if (app.changedInputs?.length) out.push(`Changed inputs: ${app.changedInputs.map((f) => `\`${f}\``).join(', ')}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function objectBlock(o: ObjectDiff): string {
  const out = [`**\`${o.ref}\`** — ${o.status} · ${lines(o.linesAdded, o.linesRemoved)}`, ''];
  for (const i of o.impacts) out.push(`- ${ICON[i.severity]} ${i.message}`);
  const secrets = secretKeysText(o);
  if (secrets) out.push(`- 🔒 ${secrets}`);
  if (o.sources.length) {
    const changed = new Set(o.changedSources);
    out.push(`- from ${o.sources.map((f) => `\`${f}\`${changed.has(f) ? ' (changed)' : ''}`).join(', ')}`);
  }
  const fence = fenceFor(o.patch);
  out.push('', `${fence}diff`, o.patch.trimEnd(), fence, '');
  return `${out.join('\n')}\n`;
}

/** A code fence longer than any run of backticks inside the block. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function truncate(
  report: DiffReport,
  head: string,
  sections: Section[],
  footer: string,
  opts: MarkdownOptions,
): string {
  const total = allObjects(report).length;
  const noteFor = (shown: number) => truncationNote(shown, total, opts);
  // Reserve room for the longest note (it only grows with the digits of `shown`).
  const budget = opts.limit! - head.length - footer.length - noteFor(total).length;
  let body = '';
  let shown = 0;
  let open = false;
  for (const [i, s] of sections.entries()) {
    if (body.length + minimumNeed(sections, i) > budget) break;
    body += s.text;
    if (s.kind === 'open') open = true;
    if (s.kind === 'close') open = false;
    if (s.kind === 'object') shown++;
  }
  if (open) body += CLOSE;
  return head + body + noteFor(shown) + footer;
}

/** What section i needs to be worth showing: itself, its first object, and the closing tag. */
function minimumNeed(sections: Section[], i: number): number {
  const s = sections[i]!;
  const next = sections[i + 1];
  switch (s.kind) {
    case 'close':
      return s.text.length;
    case 'object':
      return s.text.length + CLOSE.length;
    case 'open':
      return s.text.length + (next?.kind === 'object' ? next.text.length : 0) + CLOSE.length;
    case 'cluster':
      return s.text.length + (next ? minimumNeed(sections, i + 1) : 0);
  }
}

function truncationNote(shown: number, total: number, opts: MarkdownOptions): string {
  const where =
    opts.fullDiff ??
    (opts.command ? `run \`${opts.command}\` for all of it` : 'run `npm run diff` locally for all of it');
  return [
    '> [!WARNING]',
    `> This diff is too long for one comment: ${shown} of ${total} changed objects are shown above (the summary is complete).`,
    `> Full diff: ${where}.`,
    '',
    '',
  ].join('\n');
}
