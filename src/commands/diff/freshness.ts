// The diff's staleness warning: when the generated files lag behind the TypeScript source,
// say so (it is what `generate --check` fails on in CI) rather than let an empty diff look
// like "no change". Planning the tree loads every component module and builds every file,
// the biggest fixed cost of a diff, so the plan is kept in .cache/freshness/ as the git blob
// id of each planned file, under the hash of what planning reads — the program (src/, where
// the component specs and their source files live), the locked dependencies and the cluster
// inputs, all by their blob ids in the working tree (tree-revision.ts). A pull request that
// changes generated files only (an image bump) plans nothing: its files are compared with
// the kept plan by id, and a hand-edited generated file is still stale.
import { createHash } from 'node:crypto';
import { blobId } from '../../adapters/git.ts';
import { filesUnder, pathsUnder, type RevisionTree } from '../../adapters/tree-revision.ts';
import { DIRS, LEGACY_CLUSTER_FILES } from '../../core/names.ts';
import { GENERATED_FILES, GENERATED_ROOTS } from '../../core/tree-marks.ts';
import { keepMemo, readMemo } from './memo.ts';

const MEMO_VERSION = 'freshness/3';
/** What planning the tree reads, as folders and files of the repository. */
const PLAN_INPUTS = ['src', DIRS.clusters, 'package.json', 'package-lock.json'];

/** The hash of every plan input's path and blob id. */
export function freshnessKey(tree: Pick<RevisionTree, 'paths' | 'ids'>): string {
  const h = createHash('sha256').update(`${MEMO_VERSION}\0`);
  for (const p of pathsUnder(tree, PLAN_INPUTS)) h.update(`${p}\0${tree.ids.get(p)}\0`);
  return h.digest('hex');
}

/** The generated files present, and files an earlier layout generated beside cluster.yaml: path → blob id. */
function presentIds(tree: Pick<RevisionTree, 'paths' | 'ids'>): Map<string, string> {
  const legacy = filesUnder(tree, DIRS.clusters).filter((p) => {
    const parts = p.split('/');
    return parts.length === 3 && LEGACY_CLUSTER_FILES.includes(parts[2]!);
  });
  const paths = [...pathsUnder(tree, [...GENERATED_ROOTS, ...GENERATED_FILES]), ...legacy];
  return new Map(paths.map((p) => [p, tree.ids.get(p)!]));
}

const isPlan = (v: unknown): v is { planned: [string, string][] } =>
  Array.isArray((v as { planned?: unknown } | null)?.planned);

/** The planned tree as path → blob id: kept from an earlier run with the same inputs, else planned now. */
async function plannedIds(root: string, key: string, memoDir?: string): Promise<Map<string, string>> {
  const kept = memoDir ? await readMemo(memoDir, key, isPlan) : undefined;
  if (kept) return new Map(kept.planned);
  const [{ loadClusters }, { planRepositoryTree }] = await Promise.all([
    import('../../adapters/inputs.ts'),
    import('../../adapters/plan-check.ts'),
  ]);
  const planned = await planRepositoryTree(root, await loadClusters(root), { check: false });
  const ids = new Map([...planned].map(([p, content]) => [p, blobId(Buffer.from(content, 'utf8'))]));
  if (memoDir) await keepMemo(memoDir, key, { planned: [...ids] });
  return ids;
}

/**
 * Whether the working tree's generated files are out of date, as a warning to print. Never
 * fails the diff: checking freshness is a courtesy, and validate reports a broken source.
 * `tree` is the working tree at `root`; with `memoDir`, a plan made before for the same
 * inputs is reused.
 */
export async function staleWarning(
  root: string,
  tree: Pick<RevisionTree, 'paths' | 'ids'>,
  memoDir?: string,
): Promise<string | undefined> {
  try {
    const planned = await plannedIds(root, freshnessKey(tree), memoDir);
    const { compareTreeIds } = await import('../../adapters/tree-compare.ts');
    const c = await compareTreeIds(root, planned, presentIds(tree));
    const out = [...c.stale, ...c.missing, ...c.extra];
    if (!out.length) return undefined;
    return `warning: ${out.length} generated file(s) are out of date with the TypeScript source (e.g. ${out[0]}); this diff shows the files as they are: run \`npm run generate\` to include the source change\n`;
  } catch {
    return undefined;
  }
}
