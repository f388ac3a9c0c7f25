// Compares the planned generated tree with the working tree, and writes it by building
// a complete temporary copy first and then swapping each generated folder in with a
// rename, so an error never leaves a half-written tree behind.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { GENERATED_FILES, GENERATED_ROOTS, isGeneratedPath } from '../core/tree-plan.ts';

export interface TreeComparison {
  stale: string[];
  missing: string[];
  extra: string[];
}

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

/** Every generated file present in the working tree. */
export async function listGeneratedFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const r of GENERATED_ROOTS) await walk(join(root, r), root, out);
  for (const f of GENERATED_FILES)
    if (
      await readFile(join(root, f)).then(
        () => true,
        () => false,
      )
    )
      out.push(f);
  return out.filter(isGeneratedPath).sort();
}

export async function compareTree(root: string, files: ReadonlyMap<string, string>): Promise<TreeComparison> {
  const present = new Set(await listGeneratedFiles(root));
  const result: TreeComparison = { stale: [], missing: [], extra: [] };
  for (const [path, content] of files) {
    if (!present.has(path)) result.missing.push(path);
    else if ((await readFile(join(root, path), 'utf8')) !== content) result.stale.push(path);
  }
  for (const path of present) if (!files.has(path)) result.extra.push(path);
  result.extra.sort();
  return result;
}

export function isClean(c: TreeComparison): boolean {
  return !c.stale.length && !c.missing.length && !c.extra.length;
}

/**
 * Writes the tree: everything goes to a temporary folder inside the repository first
 * (same filesystem, so renames are atomic), then each generated folder is swapped in.
 * If a swap fails, the folders already swapped are put back.
 */
export async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const tmp = await mkdtemp(join(root, '.generate-'));
  const swapped: { target: string; backup: string }[] = [];
  try {
    for (const [path, content] of files) {
      await mkdir(dirname(join(tmp, 'new', path)), { recursive: true });
      await writeFile(join(tmp, 'new', path), content);
    }
    const units = [...GENERATED_ROOTS.map((r) => r as string), ...singleFileUnits(files)];
    for (const unit of units) await swapIn(root, tmp, unit, swapped);
  } catch (e) {
    for (const s of swapped.reverse()) await restore(root, s).catch(() => undefined);
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Single generated files (outside the generated folders), each swapped in on its own. */
function singleFileUnits(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((p) => (GENERATED_FILES as readonly string[]).includes(p));
}

async function exists(p: string): Promise<boolean> {
  return readdir(dirname(p)).then(
    (names) => names.includes(p.split('/').pop()!),
    () => false,
  );
}

async function swapIn(
  root: string,
  tmp: string,
  unit: string,
  swapped: { target: string; backup: string }[],
): Promise<void> {
  const target = join(root, unit);
  const fresh = join(tmp, 'new', unit);
  const backup = join(tmp, 'old', unit);
  const hasFresh = await exists(fresh);
  if (await exists(target)) {
    await mkdir(dirname(backup), { recursive: true });
    await rename(target, backup);
  }
  swapped.push({ target, backup });
  if (hasFresh) {
    await mkdir(dirname(target), { recursive: true });
    await rename(fresh, target);
  }
}

async function restore(_root: string, s: { target: string; backup: string }): Promise<void> {
  await rm(s.target, { recursive: true, force: true });
  if (await exists(s.backup)) await rename(s.backup, s.target);
}
