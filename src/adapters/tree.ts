// Compares the planned generated tree with the working tree, and sorts what is there but
// no longer planned into what `generate` owns (listed in its manifest, `.generated-files`)
// and what it does not (a file someone put in a generated folder), which it never deletes
// without being asked. The write itself is journaled (tree-journal.ts).
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UserError } from '../core/errors.ts';
import { DIRS, LEGACY_CLUSTER_FILES } from '../core/names.ts';
import { GENERATED_FILES, GENERATED_ROOTS, isGeneratedPath, MANIFEST_FILE } from '../core/tree-marks.ts';
import { PRUNED_DIR, type WriteHooks, writeTreeJournaled } from './tree-journal.ts';
import { owns, readManifest, readText, type TreeComparison } from './tree-compare.ts';

export { compareTreeIds, readManifest, type TreeComparison } from './tree-compare.ts';

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, root, out);
    else out.push(relative(root, p).split('\\').join('/'));
  }
}

/** Every file in the generated folders plus the generated single files present in the working tree. */
export async function listGeneratedFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const r of GENERATED_ROOTS) await walk(join(root, r), root, out);
  for (const f of GENERATED_FILES) if ((await readText(root, f)) !== undefined) out.push(f);
  return out.filter(isGeneratedPath).sort();
}

/** Generated files an earlier layout kept beside clusters/<c>/cluster.yaml. */
async function listLegacyClusterFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const dirs = await readdir(join(root, DIRS.clusters), { withFileTypes: true }).catch(() => []);
  for (const d of dirs.filter((e) => e.isDirectory())) {
    for (const f of LEGACY_CLUSTER_FILES) {
      const p = `${DIRS.clusters}/${d.name}/${f}`;
      if ((await readText(root, p)) !== undefined) out.push(p);
    }
  }
  return out;
}

export async function compareTree(root: string, files: ReadonlyMap<string, string>): Promise<TreeComparison> {
  const manifest = await readManifest(root);
  const present = [...(await listGeneratedFiles(root)), ...(await listLegacyClusterFiles(root))];
  const result: TreeComparison = { stale: [], missing: [], extra: [], foreign: [] };
  const seen = new Set(present);
  for (const [path] of files) if (!seen.has(path)) result.missing.push(path);
  for (const path of present) {
    const content = (await readText(root, path)) ?? '';
    const planned = files.get(path);
    if (planned === content) continue;
    const owned = owns(manifest, path, content, planned !== undefined);
    if (!owned) result.foreign.push(path);
    else if (planned === undefined) result.extra.push(path);
    else result.stale.push(path);
  }
  for (const list of Object.values(result)) list.sort();
  return result;
}

export function isClean(c: TreeComparison): boolean {
  return !c.stale.length && !c.missing.length && !c.extra.length && !c.foreign.length;
}

function foreignError(paths: readonly string[]): UserError {
  const list = paths.map((p) => `  ${p}`).join('\n');
  return new UserError(
    `${paths.length} file(s) where generate writes were not written by it (not in ${MANIFEST_FILE}); generate would lose them:\n${list}`,
    `move them out of ${GENERATED_ROOTS.map((r) => `${r}/`).join(', ')}, or run \`npm run generate -- --prune\` to move them to ${PRUNED_DIR}/<time>/ (git-ignored)`,
  );
}

export interface WriteOptions {
  /** Move files generate does not own aside instead of refusing. */
  prune?: boolean;
  /** The `.pruned/` subfolder name (default: the current time). */
  pruneStamp?: string;
  hooks?: WriteHooks;
}

/**
 * Brings the working tree to `files` as one journaled change (tree-journal.ts): stale and
 * missing files written, owned extras deleted, foreign files refused or, with `prune`, moved
 * aside. Returns what it found before writing. Call under the generate lock.
 */
export async function writeTree(
  root: string,
  files: ReadonlyMap<string, string>,
  opts: WriteOptions = {},
): Promise<TreeComparison> {
  const before = await compareTree(root, files);
  if (before.foreign.length && !opts.prune) throw foreignError(before.foreign);
  if (isClean(before)) return before;
  const writes = new Map([...before.stale, ...before.missing].map((p) => [p, files.get(p)!]));
  const request = {
    writes,
    deletes: before.extra,
    prunes: opts.prune ? before.foreign : [],
    pruneStamp: opts.pruneStamp,
  };
  await writeTreeJournaled(root, request, opts.hooks);
  return before;
}
