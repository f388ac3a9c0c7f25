// The objects `health` reads, as leniently as `kubectl get -o yaml` output and Argo CD
// allow: a duplicate key is a warning and the last value counts (what kubectl and Argo
// CD's YAML readers do), and a document that is not a nameable Kubernetes object is
// skipped with the reason, instead of the whole file being refused. Only text that is
// not YAML at all is a problem.
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Problem } from '../errors.ts';
import type { KubeObject } from '../kube.ts';

/** One document or list item left out, or read with a warning: where, and why. */
export interface InputNote {
  file: string;
  where: string;
  message: string;
}

export interface HealthInput {
  objects: KubeObject[];
  skipped: InputNote[];
  warnings: InputNote[];
  problems: Problem[];
}

type Doc = ReturnType<typeof parseAllDocuments>[number];

/** The document's first content line, by binary search over the line starts: slicing the text per document was quadratic. */
function docLine(lines: LineCounter, doc: Doc): number {
  const contents = doc.contents as { range?: [number, number, number] } | null;
  return lines.linePos(contents?.range?.[0] ?? doc.range?.[0] ?? 0).line;
}

/** The document as data; an alias that expands too far (a "billion laughs" bomb) is a problem of this document only. */
function valueOf(doc: Doc, file: string, where: string, out: HealthInput): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml throws ReferenceError from toJS only for aliases (an unknown anchor is a parse error).
    if (!(e instanceof ReferenceError)) throw e;
    out.problems.push({ file, path: where, message: 'aliases expand too far: refused as a possible alias bomb' });
    return undefined;
  }
}

/** Why a value cannot be judged, or undefined when it is an object with apiVersion, kind and metadata.name. */
function whyNotObject(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a mapping, so not a Kubernetes object';
  const o = v as Record<string, unknown>;
  if (typeof o.apiVersion !== 'string' || !o.apiVersion || typeof o.kind !== 'string' || !o.kind)
    return 'no apiVersion or kind';
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object' || typeof meta.name !== 'string' || !meta.name)
    return `${o.kind} without metadata.name`;
  return undefined;
}

export function readHealthInput(file: string, text: string): HealthInput {
  const out: HealthInput = { objects: [], skipped: [], warnings: [], problems: [] };
  const lines = new LineCounter();
  // Parsed twice: strictly to find duplicate keys, leniently (last value wins) for the values.
  const strict = parseAllDocuments(text, { uniqueKeys: true, lineCounter: lines });
  const lenient = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(strict) || !Array.isArray(lenient)) return out;
  lenient.forEach((doc, index) => {
    const where = `document ${index + 1} (line ${docLine(lines, doc)})`;
    if (doc.errors.length) {
      out.problems.push({ file, path: where, message: doc.errors[0]!.message.split('\n')[0]! });
      return;
    }
    for (const e of strict[index]?.errors ?? []) {
      if (e.code !== 'DUPLICATE_KEY') continue;
      const at = lines.linePos(e.pos[0]);
      out.warnings.push({
        file,
        where,
        message: `duplicate key at line ${at.line}, column ${at.col}; the last value is used`,
      });
    }
    collect(file, where, valueOf(doc, file, where, out), out);
  });
  return out;
}

function collect(file: string, where: string, v: unknown, out: HealthInput): void {
  if (v === null || v === undefined) return;
  const o = v as { kind?: unknown; items?: unknown };
  const isList = typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
  const items = isList ? (o.items as unknown[]) : [v];
  items.forEach((item, i) => {
    const why = whyNotObject(item);
    const at = isList ? `${where} item ${i + 1}` : where;
    if (why) out.skipped.push({ file, where: at, message: why });
    else out.objects.push(item as KubeObject);
  });
}
