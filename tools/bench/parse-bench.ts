// `npm run bench -- --only parse`: reading big multi-document manifest files, the way
// `validate --files`, `health` and `drift` read them. Parsing must grow linearly with the
// file: the target is that the seconds per MB at the largest size stay within twice those
// at the smallest (before the fix, 10 MB took 124 s against 2.3 s for 1 MB), and what it
// keeps is the objects, not every parsed YAML document.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseManifests } from '../../src/core/validate/documents.ts';
import type { Io } from '../../src/cli/types.ts';

export const PARSE_SIZES_MB = [1, 10, 50] as const;
const MAX_PER_MB_GROWTH = 2;

function document(i: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: soma-infra\n  labels: { app.kubernetes.io/name: cm-${i} }\ndata:\n  key: "value ${i}"\n  script: |\n    echo one\n    echo two\n`;
}

/** A multi-document stream of about `mb` megabytes. */
export function corpus(mb: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1e6; i++) {
    const d = document(i);
    parts.push(d);
    size += d.length + 4;
  }
  return parts.join('---\n');
}

interface Row {
  mb: number;
  objects: number;
  seconds: number;
  secondsPerMb: number;
  /** Heap still held after parsing (the objects themselves), garbage collected first. */
  retainedMb: number;
}

/** A full garbage collection, so the heap figure is what parsing keeps, not what it left behind. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function measure(mb: number): Row {
  const text = corpus(mb);
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const parsed = parseManifests('corpus.yaml', text);
  const seconds = (performance.now() - start) / 1000;
  collect();
  const retainedMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  return { mb, objects: parsed.items.length, seconds, secondsPerMb: seconds / mb, retainedMb };
}

export async function runParseBench(io: Io, opts: { json?: boolean; sizes?: readonly number[] }): Promise<number> {
  const rows: Row[] = [];
  for (const mb of opts.sizes ?? PARSE_SIZES_MB) {
    io.stderr(`bench parse: ${mb} MB…\n`);
    rows.push(measure(mb));
  }
  const growth = rows.at(-1)!.secondsPerMb / rows[0]!.secondsPerMb;
  const met = growth <= MAX_PER_MB_GROWTH;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ suite: 'parse', rows, growth }, null, 2)}\n`);
  } else {
    const lines = rows.map(
      (r) =>
        `  ${String(r.mb).padStart(3)} MB  ${r.objects.toLocaleString('en-US').padStart(9)} objects  ${r.seconds.toFixed(2).padStart(7)} s  ${r.secondsPerMb.toFixed(3)} s/MB  retained ${Math.round(r.retainedMb)} MB`,
    );
    io.stdout(
      [
        `parse benchmark — multi-document YAML through the validate --files parser`,
        ...lines,
        `  s/MB at ${rows.at(-1)!.mb} MB is ${growth.toFixed(2)}× that at ${rows[0]!.mb} MB   target ≤ ${MAX_PER_MB_GROWTH}× (linear): ${met ? 'met' : 'MISSED'}`,
        '',
      ].join('\n'),
    );
  }
  return met ? 0 : 1;
}
