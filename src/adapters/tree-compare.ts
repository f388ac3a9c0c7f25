// Whether the generated files present are as planned, and which present files generate
// owns (its manifest, `.generated-files`, or without one its header). Apart from tree.ts
// (which writes the tree) so that diff's freshness check loads no journal or lock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENERATED_MARK, GENERATED_ROOTS, MANIFEST_FILE, parseManifest } from '../core/tree-marks.ts';

export interface TreeComparison {
  /** Planned and present, with other content. */
  stale: string[];
  /** Planned, not present. */
  missing: string[];
  /** Present, owned by generate (its manifest, or its header), no longer planned: removed by the next write. */
  extra: string[];
  /** Present where generate writes, but not written by it: never removed or overwritten without --prune. */
  foreign: string[];
}

export const readText = (root: string, path: string) => readFile(join(root, path), 'utf8').catch(() => undefined);

/** The manifest of the last write, or undefined before the first write that kept one. */
export async function readManifest(root: string): Promise<Set<string> | undefined> {
  const text = await readText(root, MANIFEST_FILE);
  return text === undefined ? undefined : parseManifest(text);
}

const hasMark = (content: string) => content.slice(0, 400).includes(GENERATED_MARK);

/**
 * Whether generate owns a present file. With a manifest, exactly what it lists. Without one
 * (a tree from before manifests), the generated folders' planned paths and any file that
 * carries the generated header.
 */
export function owns(manifest: Set<string> | undefined, path: string, content: string, planned: boolean): boolean {
  if (manifest) return manifest.has(path);
  const inRoots = GENERATED_ROOTS.some((r) => path.startsWith(`${r}/`));
  return (planned && inRoots) || hasMark(content);
}

/**
 * compareTree by git blob ids: `planned` and `present` map each path to the id of its
 * content, so no file that is as planned is read. Present files that are not planned are
 * read only to tell whether generate owns them (without a manifest, by their header).
 */
export async function compareTreeIds(
  root: string,
  planned: ReadonlyMap<string, string>,
  present: ReadonlyMap<string, string>,
): Promise<TreeComparison> {
  const result: TreeComparison = { stale: [], missing: [], extra: [], foreign: [] };
  for (const [path] of planned) if (!present.has(path)) result.missing.push(path);
  const differing = [...present].filter(([path, id]) => planned.get(path) !== id).map(([path]) => path);
  const manifest = differing.length ? await readManifest(root) : undefined;
  for (const path of differing) {
    const want = planned.get(path);
    // Only an unmanifested file that is not planned in a generated folder needs its header read.
    const needsHeader = !manifest && !(want !== undefined && GENERATED_ROOTS.some((r) => path.startsWith(`${r}/`)));
    const content = needsHeader ? ((await readText(root, path)) ?? '') : '';
    if (!owns(manifest, path, content, want !== undefined)) result.foreign.push(path);
    else if (want === undefined) result.extra.push(path);
    else result.stale.push(path);
  }
  for (const list of Object.values(result)) list.sort();
  return result;
}
