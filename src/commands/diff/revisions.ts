// Renders the repository at two revisions and compares them: the base (and a head ref,
// if given) through temporary git worktrees, the head by default straight from the
// working tree. Renders are shared through the render cache, so only Applications whose
// inputs differ are built twice.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { buildDiffReport } from '../../core/diff/engine.ts';
import type { AppRender, ClusterRender, DiffReport, SideRender } from '../../core/diff/types.ts';
import { ContextualError, UserError } from '../../core/errors.ts';
import { DIRS, legacyRootAppPath, rootAppPath } from '../../core/names.ts';
import { objectSources } from '../../core/provenance.ts';
import { addWorktree, changedPaths, repositoryRoot, resolveCommit, type Worktree } from '../../adapters/git.ts';
import { loadClusters } from '../../adapters/inputs.ts';
import type { Runner } from '../../adapters/process.ts';
import type { Deps } from '../../cli/deps.ts';
import { renderRevisions, type RenderStats } from '../../adapters/render-cache.ts';
import { listApplications, type AppSource } from '../../adapters/render.ts';
import { readDigestKey, secretDigester } from '../../adapters/render-digest.ts';
import { listGeneratedFiles } from '../../adapters/tree.ts';
import { GENERATED_FILES, GENERATED_ROOTS } from '../../core/tree-plan.ts';

export const WORKING_TREE = 'working tree';

/**
 * What reading and rendering a revision touch: the cluster inputs and the generated tree
 * (kustomizations refer to nothing outside it). A revision is checked out this far only —
 * in this repository a third of its files; the program, tests and docs are never written.
 */
export const REVISION_PATHS: readonly string[] = [DIRS.clusters, ...GENERATED_ROOTS, ...GENERATED_FILES];

export interface Revision {
  /** What the user named (or 'working tree'). */
  ref: string;
  /** Commit id; undefined for the working tree. */
  sha?: string;
  /** Absolute folder holding the files of this revision. */
  root: string;
  worktree?: Worktree;
}

export interface DiffRunOptions {
  base: string;
  /** A ref, or undefined for the working tree. */
  head?: string;
  /** Cache folder for renders across runs; memory only when unset. */
  cacheDir?: string;
  concurrency?: number;
  context?: number;
  onProgress?: (done: number, total: number, app: AppSource) => void;
}

export interface DiffRun {
  report: DiffReport;
  stats: RenderStats;
  repoRoot: string;
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

export async function openRevision(repoRoot: string, ref: string | undefined, runner: Runner): Promise<Revision> {
  if (ref === undefined) return { ref: WORKING_TREE, root: repoRoot };
  const sha = await commitOf(repoRoot, ref, runner);
  const worktree = await addWorktree(repoRoot, sha, runner, REVISION_PATHS);
  return { ref, sha, root: worktree.dir, worktree };
}

/** Whether a changed file is one that reading or rendering a revision touches. */
const readByRendering = (path: string) => REVISION_PATHS.some((p) => path === p || path.startsWith(`${p}/`));

interface RevisionInputs {
  clusters: ClusterConfig[];
  apps: AppSource[][];
  files: string[];
}

/** The clusters and Applications of a revision; a revision from before the generated tree existed has none. */
async function readInputs(rev: Revision, tolerateMissing: boolean): Promise<RevisionInputs> {
  const exists = (p: string) =>
    access(join(rev.root, p)).then(
      () => true,
      () => false,
    );
  if (tolerateMissing && !(await exists(DIRS.clusters))) return { clusters: [], apps: [], files: [] };
  const clusters = await atRevision(rev, () => loadClusters(rev.root));
  const remote = new Map<string, Promise<boolean>>();
  // Clusters are read side by side: with many, waiting on one file at a time added up.
  const apps = await Promise.all(
    clusters.map(async (c): Promise<AppSource[]> => {
      const generated = (await exists(rootAppPath(c.name))) || (await exists(legacyRootAppPath(c.name)));
      return !generated && tolerateMissing ? [] : atRevision(rev, () => listApplications(rev.root, c, remote));
    }),
  );
  return { clusters, apps, files: await listGeneratedFiles(rev.root) };
}

/**
 * An error met while reading a checked-out revision: it names the revision instead of the
 * temporary folder, keeps the kind and fix of the error it wraps, and chains it as `cause`.
 */
export class RevisionError extends ContextualError {
  override name = 'RevisionError';
  constructor(ref: string, root: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`at revision ${ref}: ${message.replaceAll(root, '<revision>')}`, cause);
  }
}

/** Errors about a checked-out revision name the revision, not a temporary folder. */
async function atRevision<T>(rev: Revision, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (rev.worktree) throw new RevisionError(rev.ref, rev.root, e);
    throw e;
  }
}

/** Renders both revisions and compares them. Temporary worktrees are always removed. */
export async function runRenderedDiff(
  repoRoot: string,
  opts: DiffRunOptions,
  { runner }: Pick<Deps, 'runner'>,
): Promise<DiffRun> {
  const opened: Revision[] = [];
  const open = async (ref: string | undefined, tolerateMissing: boolean) => {
    const rev = await openRevision(repoRoot, ref, runner);
    opened.push(rev);
    return { rev, inputs: await readInputs(rev, tolerateMissing) };
  };
  try {
    const baseSha = await commitOf(repoRoot, opts.base, runner);
    const headSha = opts.head === undefined ? undefined : await commitOf(repoRoot, opts.head, runner);
    const changedFiles = await changedPaths(repoRoot, baseSha, headSha, runner);
    // When nothing rendering reads differs (a change to the program or docs only, or none),
    // the base is read where the head is: no checkout of its own.
    const alike = !changedFiles.some(readByRendering);
    // Otherwise the working tree is read while the base is checked out (two worktrees are
    // added one after the other: git does not take concurrent adds well); both settle
    // before any cleanup.
    const baseOpen = alike ? undefined : open(opts.base, true);
    const headOpen =
      opts.head === undefined || !baseOpen
        ? open(opts.head, opts.head !== undefined)
        : baseOpen.then(() => open(opts.head, true));
    const [base, head] = settled(
      await Promise.allSettled([
        baseOpen ??
          headOpen.then((h) => ({ rev: { ref: opts.base, sha: baseSha, root: h.rev.root }, inputs: h.inputs })),
        headOpen,
      ]),
    );
    const { renders, stats } = await renderRevisions(
      [
        { root: base.rev.root, apps: base.inputs.apps.flat() },
        { root: head.rev.root, apps: head.inputs.apps.flat() },
      ],
      {
        dir: opts.cacheDir,
        // Kept renders outlive the run, so their Secret digests need the repository's key.
        digester: opts.cacheDir ? secretDigester(await readDigestKey(repoRoot, runner)) : undefined,
        runner,
        concurrency: opts.concurrency,
        onProgress: opts.onProgress,
      },
    );
    const report = buildDiffReport({
      base: toSide(base.rev, base.inputs, renders[0]!),
      head: toSide(head.rev, head.inputs, renders[1]!),
      changedFiles,
      sources: objectSources,
      context: opts.context,
    });
    return { report, stats, repoRoot };
  } finally {
    for (const r of opened) await r.worktree?.remove();
  }
}

/** The values of two settled promises, or the first failure (in their order). */
function settled<A, B>([a, b]: [PromiseSettledResult<A>, PromiseSettledResult<B>]): [A, B] {
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

function toSide(rev: Revision, inputs: RevisionInputs, rendered: readonly AppRender[]): SideRender {
  const clusters: ClusterRender[] = inputs.clusters.map((c) => ({
    name: c.name,
    environment: c.environment,
    apps: rendered.filter((a) => a.cluster === c.name),
  }));
  return { ref: rev.ref, ...(rev.sha ? { sha: rev.sha } : {}), clusters, files: inputs.files };
}
