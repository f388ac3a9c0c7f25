// The fast path of reading a YAML stream. yaml's document model (which also knows every
// node's position) costs about a second per megabyte; js-yaml builds plain values 5–10×
// faster. Most manifests are plain: documents split by `---` lines, no anchors, aliases,
// tags or directives. For those, each document is loaded with js-yaml and its start line
// found while splitting; anything else — or any error, so that messages stay yaml's — is
// left to the full parse (yaml.ts), as is finding the line of a field for a finding.
import { CORE_SCHEMA, load, loadAll } from 'js-yaml';

/**
 * Every document's value, for YAML a program wrote (kustomize's output, the generated
 * Applications) where no line number is ever shown. Same YAML 1.2 core schema as yaml;
 * invalid YAML and duplicate keys throw (a YAMLException).
 */
export function parseYamlValues(text: string): unknown[] {
  return loadAll(text, null, { schema: CORE_SCHEMA });
}

export interface FastDocument {
  /** Offsets of the document in the text (its `---` line included). */
  from: number;
  to: number;
  /** 1-based line of its first content line. */
  line: number;
  value: unknown;
}

// Anchors and aliases (js-yaml has no guard against alias bombs), tags, directives, `...`
// ends, and content on a `---` line: the full parse handles them. A false alarm (an `&` in
// a script) only costs speed.
const NOT_PLAIN = /(^|[\s[{,:-])[&*!][^\s&*]|^(%|\.\.\.)|^---[ \t]*[^\s#]/m;

/** True when the fast path may read `text`: no anchors, aliases, tags or directives. */
export const isPlainYaml = (text: string) => !NOT_PLAIN.test(text);
const MARKER = /^---[ \t]*(#.*)?$/;
const BLANK = /^[ \t]*(#.*)?$/;

interface Chunk {
  from: number;
  to: number;
  line?: number;
  marker: boolean;
}

function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [{ from: 0, to: text.length, marker: false }];
  for (let at = 0, line = 1; at < text.length; line++) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const content = text.slice(at, end).replace(/\r$/, '');
    const current = chunks.at(-1)!;
    if (MARKER.test(content)) {
      current.to = at;
      chunks.push({ from: at, to: text.length, marker: true });
    } else if (current.line === undefined && !BLANK.test(content)) current.line = line;
    at = end + 1;
  }
  // Before the first `---`, only content makes a document (comments there belong to the next).
  return chunks.filter((c, i) => i > 0 || c.line !== undefined || chunks.length === 1);
}

/** The documents of a plain stream with their values and lines, or undefined to use the full parse. */
export function loadPlainStream(text: string): FastDocument[] | undefined {
  if (NOT_PLAIN.test(text)) return undefined;
  const chunks = splitDocuments(text);
  if (!chunks.some((c) => c.line !== undefined)) return undefined;
  try {
    return chunks.map((c) => ({
      from: c.from,
      to: c.to,
      line: c.line ?? lineOf(text, c.from),
      value: load(text.slice(c.from, c.to), { schema: CORE_SCHEMA }) ?? null,
    }));
  } catch {
    return undefined;
  }
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
