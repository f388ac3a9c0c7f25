// Objects from YAML/JSON text as people hand them to `drift --desired/--live` and
// `health`: several documents per file, and `kind: List` (what `kubectl get -o yaml`
// prints) unpacked. Every unreadable document is a problem with its file and line.
import type { Problem } from '../errors.ts';
import { isKubeObject, type KubeObject } from '../kube.ts';
import { parseYamlStream } from '../yaml.ts';

export function parseObjects(file: string, text: string, problems: Problem[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseYamlStream(text)) {
    if (doc.errors.length) {
      problems.push({ file, path: `document ${doc.index + 1} (line ${doc.line})`, message: doc.errors[0]! });
      continue;
    }
    const v = doc.value as { kind?: unknown; items?: unknown } | null;
    if (v === null || v === undefined) continue;
    const isList = typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
    const items = isList ? (v.items as unknown[]) : [v];
    items.forEach((item, i) => {
      if (isKubeObject(item)) out.push(item);
      else
        problems.push({
          file,
          path: `document ${doc.index + 1}${isList ? ` item ${i + 1}` : ''} (line ${doc.line})`,
          message: 'not a Kubernetes object (apiVersion, kind and metadata.name are required)',
        });
    });
  }
  return out;
}
