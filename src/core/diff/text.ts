// One object's YAML at each revision and the unified diff between them. Keys are
// sorted (as kustomize prints them) so a reordering is never reported as a change,
// and each hunk header names the YAML path it is in, the way git names the function.
import { structuredPatch } from 'diff';
import type { KubeObject } from '../kube.ts';
import { toYaml } from '../yaml.ts';
import { DEFAULT_CONTEXT, sortKeys } from './values.ts';

export { DEFAULT_CONTEXT, sameValue, sortKeys } from './values.ts';

export function objectYaml(o: KubeObject | undefined): string {
  return o ? toYaml(sortKeys(o)) : '';
}

export interface TextDiff {
  /** Hunks only: `@@ -a,b +c,d @@ path` headers and ' '/'+'/'-' lines, newline-terminated. */
  patch: string;
  added: number;
  removed: number;
}

export function diffYaml(before: string, after: string, context = DEFAULT_CONTEXT): TextDiff {
  if (before === after) return { patch: '', added: 0, removed: 0 };
  const result = structuredPatch('before', 'after', before, after, undefined, undefined, { context });
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  const out: string[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of result.hunks) {
    const lines = hunk.lines.filter((l) => !l.startsWith('\\'));
    const where = hunkPath(hunk.oldStart, hunk.newStart, lines, oldLines, newLines);
    out.push(
      `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@${where ? ` ${where}` : ''}`,
    );
    for (const l of lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
      out.push(l);
    }
  }
  return { patch: out.length ? `${out.join('\n')}\n` : '', added, removed };
}

// As in GNU diff, an empty range names the line before it (so an added file is -0,0).
function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${count === 0 ? Math.max(0, start - 1) : start},${count}`;
}

/** The YAML path of the first changed line of a hunk, from whichever side holds it. */
function hunkPath(oldStart: number, newStart: number, lines: string[], oldLines: string[], newLines: string[]): string {
  let o = oldStart - 1;
  let n = newStart - 1;
  for (const l of lines) {
    if (l.startsWith('+')) return yamlPathAt(newLines, n);
    if (l.startsWith('-')) return yamlPathAt(oldLines, o);
    o++;
    n++;
  }
  return '';
}

const KEY = /^(?:- )?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:#'"-][^:#]*?|-[^\s:#][^:#]*?):(?:\s|$)/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function keyOf(text: string): string | undefined {
  const m = KEY.exec(text);
  if (!m) return undefined;
  const k = m[1]!;
  return k.startsWith('"') || k.startsWith("'") ? k.slice(1, -1) : k;
}

/**
 * The dotted path of the mapping that holds line `index` (0-based), e.g.
 * `spec.template.spec.containers[postgres]`. Read from indentation alone, which is
 * exact for the block-style YAML toYaml writes; list items are named by their
 * `name` key when they have one, else by position.
 */
export function yamlPathAt(lines: readonly string[], index: number): string {
  const line = lines[index];
  if (line === undefined) return '';
  let indent = indentOf(line);
  const parts: string[] = [];
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    const text = lines[i]!;
    if (!text.trim()) continue;
    const ind = indentOf(text);
    if (ind >= indent) continue;
    const body = text.trimStart();
    if (body.startsWith('- ') || body === '-') {
      parts.unshift(`[${itemLabel(lines, i, ind)}]`);
    } else {
      const key = keyOf(body);
      if (key === undefined) break;
      parts.unshift(key);
    }
    indent = ind;
  }
  return parts.reduce((path, p) => (p.startsWith('[') || !path ? path + p : `${path}.${p}`), '');
}

function itemLabel(lines: readonly string[], at: number, indent: number): string {
  const first = lines[at]!.trimStart().slice(2);
  const named = /^name: (.+)$/.exec(first) ?? findNameKey(lines, at, indent);
  if (named) return named[1]!.replace(/^["']|["']$/g, '');
  let position = 0;
  for (let i = at - 1; i >= 0; i--) {
    const text = lines[i]!;
    const ind = indentOf(text);
    if (ind < indent) break;
    if (ind === indent && text.trimStart().startsWith('-')) position++;
  }
  return String(position);
}

/** A `name:` key among the item's own keys (the lines after the dash at the item's content indent). */
function findNameKey(lines: readonly string[], at: number, indent: number): RegExpExecArray | null {
  for (let i = at + 1; i < lines.length; i++) {
    const text = lines[i]!;
    const ind = indentOf(text);
    if (ind <= indent) break;
    if (ind === indent + 2) {
      const m = /^name: (.+)$/.exec(text.trimStart());
      if (m) return m;
    }
  }
  return null;
}
