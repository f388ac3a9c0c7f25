// Renders the repository at two revisions and compares them. A revision is its list of
// files with their git blob ids (tree-revision.ts): the head is by default the working
// tree, the base a commit listed by one `git ls-tree`. What differs between them comes from
// `git diff`, and only that is read at the base: a cluster whose Application files did not
// change keeps the head's list, an Application with the same render key at both revisions
// is unchanged without being built or read, and kustomize gets a folder holding only the
// base files its builds read — no git worktree is ever made.
import { buildDiffReport } from '../../core/diff/engine.ts';
import type { AppRender, ClusterRender, DiffReport, SideRender } from '../../core/diff/types.ts';
import { UserError } from '../../core/errors.ts';
import { changedPaths, listTree, repositoryRoot, resolveAll, resolveCommit } from '../../adapters/git.ts';
import type { Runner } from '../../adapters/process.ts';
import type { Deps } from '../../cli/deps.ts';
import { renderRevisions, type RenderStats } from '../../adapters/render-cache.ts';
import type { AppSource } from '../../adapters/render.ts';
import { readDigestKey, secretDigester } from '../../adapters/render-digest.ts';
import { commitTree, workingTree, type RevisionTree } from '../../adapters/tree-revision.ts';
import { readInputs, type RevisionInputs } from './inputs.ts';

export { RevisionError } from './inputs.ts';

export const WORKING_TREE = 'working tree';

export interface DiffRunOptions {
  base: string;
  /** A ref, or undefined for the working tree. */
  head?: string;
  /** Cache folder for renders across runs; memory only when unset. */
  cacheDir?: string;
  /** Folder for the clusters and Application lists of earlier runs (inputs.ts); read anew when unset. */
  inputsDir?: string;
  concurrency?: number;
  context?: number;
  onProgress?: (done: number, total: number, app: AppSource) => void;
}

export interface DiffRun {
  report: DiffReport;
  stats: RenderStats;
  repoRoot: string;
}

/** The two revisions of a diff and the paths that differ between them. */
export interface RevisionPair {
  /** The repository's top-level folder. */
  repoRoot: string;
  base: RevisionTree;
  head: RevisionTree;
  /** Repository-relative paths that differ (tracked changes, and untracked files for the working tree). */
  changed: string[];
  /** Removes the temporary folders the builds needed. */
  close(): Promise<void>;
}

/** Finds the git repository that holds `dir`, or says how to get one. */
export async function requireRepository(dir: string, { runner }: Pick<Deps, 'runner'>): Promise<string> {
  const root = await repositoryRoot(dir, runner);
  if (!root)
    throw new UserError(`${dir} is not inside a git repository`, 'run `npm run diff` from a clone of the repository');
  return root;
}

/** The commit a ref names, or an error saying how to get it. */
async function commitOf(repoRoot: string, ref: string, runner: Runner): Promise<string> {
  const sha = await resolveCommit(repoRoot, ref, runner);
  if (!sha) {
    throw new UserError(
      `git does not know the revision '${ref}'`,
      `check the name, or fetch it first (e.g. \`git fetch origin ${ref.replace(/^origin\//, '')}\`; in GitHub Actions check out with fetch-depth: 0)`,
    );
  }
  return sha;
}

/** The repository and the commits the refs name: one git process, or a clear error naming what is unknown. */
async function resolveRevisions(
  dir: string,
  base: string,
  head: string | undefined,
  runner: Runner,
): Promise<{ repoRoot: string; baseSha: string; headSha?: string }> {
  const all = await resolveAll(dir, head === undefined ? [base] : [base, head], runner);
  if (all) return { repoRoot: all.root, baseSha: all.commits[0]!, headSha: all.commits[1] };
  const repoRoot = await requireRepository(dir, { runner });
  const baseSha = await commitOf(repoRoot, base, runner);
  return { repoRoot, baseSha, headSha: head === undefined ? undefined : await commitOf(repoRoot, head, runner) };
}

/**
 * Lists both revisions of the repository holding `dir`: the refs resolved, then the
 * changed paths and the base's files side by side.
 */
export async function openRevisions(
  dir: string,
  base: string,
  head: string | undefined,
  runner: Runner,
): Promise<RevisionPair> {
  const { repoRoot, baseSha, headSha } = await resolveRevisions(dir, base, head, runner);
  const [changed, baseIds, headIds] = await Promise.all([
    changedPaths(repoRoot, baseSha, headSha, runner),
    listTree(repoRoot, baseSha, runner),
    headSha === undefined ? undefined : listTree(repoRoot, headSha, runner),
  ]);
  const headTree =
    head === undefined || headSha === undefined
      ? await workingTree(repoRoot, baseIds, changed)
      : await commitTree(repoRoot, head, headSha, runner, { ids: headIds });
  // What the base shares with the head is read where the head's copy is.
  const baseTree = await commitTree(repoRoot, base, baseSha, runner, { ids: baseIds, twin: headTree });
  return {
    repoRoot,
    base: baseTree,
    head: headTree,
    changed,
    close: async () => {
      await Promise.all([baseTree.close(), headTree.close()]);
    },
  };
}

/** Renders both revisions and compares them. Temporary folders are always removed. */
export async function runRenderedDiff(dir: string, opts: DiffRunOptions, deps: Pick<Deps, 'runner'>): Promise<DiffRun> {
  const pair = await openRevisions(dir, opts.base, opts.head, deps.runner);
  try {
    return await diffRevisions(pair, opts, deps);
  } finally {
    await pair.close();
  }
}

/** Reads, renders and compares two listed revisions. */
export async function diffRevisions(
  pair: RevisionPair,
  opts: DiffRunOptions,
  { runner }: Pick<Deps, 'runner'>,
): Promise<DiffRun> {
  const head = await readInputs(pair.head, opts.head !== undefined, { memoDir: opts.inputsDir });
  const base = await readInputs(pair.base, true, { same: { inputs: head, changed: pair.changed } });
  const { renders, stats } = await renderRevisions(
    [
      { tree: pair.base, apps: base.apps.flat() },
      { tree: pair.head, apps: head.apps.flat() },
    ],
    {
      dir: opts.cacheDir,
      // Kept renders outlive the run, so their Secret digests need the repository's key.
      digester: opts.cacheDir ? async () => secretDigester(await readDigestKey(pair.repoRoot, runner)) : undefined,
      runner,
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
      skipEqual: true,
    },
  );
  // Where objects came from is asked only of objects that changed: none when no render was needed.
  const compared = renders.some((side) => side.some((a) => a.objects.length));
  const report = buildDiffReport({
    base: toSide(pair.base, base, renders[0]!),
    head: toSide(pair.head, head, renders[1]!),
    changedFiles: pair.changed,
    sources: compared ? (await import('../../core/provenance.ts')).objectSources : undefined,
    context: opts.context,
  });
  return { report, stats, repoRoot: pair.repoRoot };
}

function toSide(tree: RevisionTree, inputs: RevisionInputs, rendered: readonly AppRender[]): SideRender {
  const clusters: ClusterRender[] = inputs.clusters.map((c) => ({
    name: c.name,
    environment: c.environment,
    apps: rendered.filter((a) => a.cluster === c.name),
  }));
  return { ref: tree.ref, ...(tree.sha ? { sha: tree.sha } : {}), clusters, files: inputs.files };
}
