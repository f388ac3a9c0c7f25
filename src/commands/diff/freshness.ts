// The diff's staleness warning: when the generated files lag behind the TypeScript source,
// say so (it is what `generate --check` fails on in CI) rather than let an empty diff look
// like "no change". Planning the tree loads every component module and builds every file,
// the biggest fixed cost of a diff that renders nothing, so the verdict is kept in
// .cache/freshness/ under the hash of everything it depends on — the program (src/, where
// the component specs and their source files live), the locked dependencies, the cluster
// inputs and the generated files as they are — and planning runs only when one changed.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRS } from '../../core/names.ts';
import { GENERATED_FILES, GENERATED_ROOTS } from '../../core/tree-plan.ts';

const MEMO_VERSION = 'freshness/1';
const KEEP = 50;
/** Every input of the verdict, as folders and files of the repository. */
const INPUTS = ['src', DIRS.clusters, ...GENERATED_ROOTS, ...GENERATED_FILES, 'package.json', 'package-lock.json'];

async function files(root: string, path: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, path), { withFileTypes: true }).catch(() => undefined);
  if (!entries) {
    if ((await stat(join(root, path)).catch(() => undefined))?.isFile()) out.push(path);
    return;
  }
  for (const e of entries) {
    const p = `${path}/${e.name}`;
    if (e.isDirectory()) await files(root, p, out);
    else if (e.isFile()) out.push(p);
  }
}

/** The hash of every input file's path and content. */
export async function freshnessKey(root: string): Promise<string> {
  const paths: string[] = [];
  for (const p of INPUTS) await files(root, p, paths);
  paths.sort();
  const contents = await Promise.all(paths.map((p) => readFile(join(root, p))));
  const h = createHash('sha256').update(`${MEMO_VERSION}\0`);
  paths.forEach((p, i) => h.update(`${p}\0${contents[i]!.length}\0`).update(contents[i]!));
  return h.digest('hex');
}

/** The warning for a stale tree, or undefined when it is up to date (or cannot be checked). */
async function computeWarning(root: string): Promise<string | undefined> {
  const [{ loadClusters }, { planRepositoryTree }, { compareTree }] = await Promise.all([
    import('../../adapters/inputs.ts'),
    import('../../adapters/plan-check.ts'),
    import('../../adapters/tree.ts'),
  ]);
  const planned = await planRepositoryTree(root, await loadClusters(root), { check: false });
  const c = await compareTree(root, planned);
  const n = c.stale.length + c.missing.length + c.extra.length;
  if (!n) return undefined;
  return `warning: ${n} generated file(s) are out of date with the TypeScript source (e.g. ${[...c.stale, ...c.missing, ...c.extra][0]}); this diff shows the files as they are: run \`npm run generate\` to include the source change\n`;
}

/**
 * Whether the working tree's generated files are out of date, as a warning to print. Never
 * fails the diff: checking freshness is a courtesy, and validate reports a broken source.
 * With `memoDir`, a verdict reached before for the same inputs is reused.
 */
export async function staleWarning(root: string, memoDir?: string): Promise<string | undefined> {
  try {
    const key = memoDir ? await freshnessKey(root) : undefined;
    if (memoDir && key) {
      const kept = await readFile(join(memoDir, `${key}.json`), 'utf8').catch(() => undefined);
      if (kept !== undefined) return (JSON.parse(kept) as { warning: string | null }).warning ?? undefined;
    }
    const warning = await computeWarning(root);
    if (memoDir && key) await keep(memoDir, key, warning ?? null);
    return warning;
  } catch {
    return undefined;
  }
}

async function keep(dir: string, key: string, warning: string | null): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify({ warning }));
  await rename(tmp, join(dir, `${key}.json`));
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP) return;
  const aged = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(dir, n))).mtimeMs })));
  aged.sort((a, b) => b.t - a.t);
  await Promise.all(aged.slice(KEEP).map((a) => unlink(join(dir, a.n)).catch(() => undefined)));
}
