// The two revisions of a diff, listed: each a list of files with their git blob ids
// (tree-revision.ts). The head is by default the working tree, the base a commit listed by
// one `git ls-tree`; what differs between them comes from `git diff`. Kept apart from the
// rendering so that these few git processes run while the rest of the program loads.
import { UserError } from '../../core/errors.ts';
import {
  changedPaths,
  changedSinceHead,
  listTree,
  repositoryRoot,
  resolveAll,
  resolveCommit,
} from '../../adapters/git.ts';
import type { Runner } from '../../adapters/process.ts';
import type { Deps } from '../../cli/deps.ts';
import { commitTree, workingTree, type RevisionTree } from '../../adapters/tree-revision.ts';

export const WORKING_TREE = 'working tree';

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

/** What git lists of two revisions: the paths that differ, and each commit's files with their ids. */
interface Listed {
  changed: string[];
  baseIds: Map<string, string>;
  headIds?: Map<string, string>;
}

function listRevisions(
  dir: string,
  base: string,
  head: string | undefined,
  runner: Runner,
  baseIsHead = false,
): Promise<Listed> {
  return Promise.all([
    baseIsHead && head === undefined ? changedSinceHead(dir, runner) : changedPaths(dir, base, head, runner),
    listTree(dir, base, runner),
    head === undefined ? undefined : listTree(dir, head, runner),
  ]).then(([changed, baseIds, headIds]) => ({ changed, baseIds, headIds }));
}

/**
 * Lists both revisions of the repository holding `dir`. The refs are resolved while git
 * lists what they name, all at once; when one is unknown, they are asked one at a time
 * for an error that names it.
 */
export async function openRevisions(
  dir: string,
  base: string,
  head: string | undefined,
  runner: Runner,
): Promise<RevisionPair> {
  const expr = (ref: string) => `${ref}^{commit}`;
  const plain = !base.startsWith('-') && !head?.startsWith('-');
  const [resolved, listed] = await Promise.allSettled([
    resolveRevisions(dir, base, head, runner),
    plain
      ? listRevisions(dir, expr(base), head === undefined ? undefined : expr(head), runner, base === 'HEAD')
      : Promise.reject(),
  ]);
  if (resolved.status === 'rejected') throw resolved.reason;
  const { repoRoot, baseSha, headSha } = resolved.value;
  const {
    changed: paths,
    baseIds,
    headIds,
  } = listed.status === 'fulfilled' ? listed.value : await listRevisions(repoRoot, baseSha, headSha, runner);
  const headTree =
    head === undefined || headSha === undefined
      ? await workingTree(repoRoot, baseIds, paths)
      : await commitTree(repoRoot, head, headSha, runner, { ids: headIds });
  // What differs in content only: a mode change, or a file staged and changed back, is no change.
  const changed = paths.filter((p) => headTree.ids.get(p) !== baseIds.get(p));
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
