// Reading objects from files: the offline mode's --desired/--live inputs, and the
// generated files (root app, kustomizations) the live mode compares or consults.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseObjects } from '../../core/drift/index.ts';
import { type Problem } from '../../core/errors.ts';
import type { KubeObject } from '../../core/kube.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import { type Io } from '../../cli/types.ts';

export async function readObjects(io: Io, files: string[], problems: Problem[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const file of files) {
    const text = await readFile(resolve(io.cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
      problems.push({ file, path: '', message: e.code === 'ENOENT' ? 'no such file' : e.message });
      return undefined;
    });
    if (text !== undefined) out.push(...parseObjects(file, text, problems));
  }
  return out;
}

/** A YAML file's documents as plain values (a kustomization is not a Kubernetes object). */
export async function readYamlDocs(io: Io, file: string, problems: Problem[]): Promise<unknown[]> {
  const text = await readFile(resolve(io.root, file), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const docs = parseYamlStream(text);
  for (const d of docs)
    if (d.errors.length)
      problems.push({ file, path: `document ${d.index + 1} (line ${d.line})`, message: d.errors[0]! });
  return docs.map((d) => d.value);
}
