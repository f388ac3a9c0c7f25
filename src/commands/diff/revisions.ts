// Renders the repository at two revisions (listed by open.ts) and compares them. Only what
// differs is read at the base: a cluster whose Application files did not change keeps the
// head's list, an Application with the same render key at both revisions is unchanged
// without being built or read, and kustomize gets a folder holding only the base files
// its builds read — no git worktree is ever made.
import { buildDiffReport } from '../../core/diff/engine.ts';
import type { AppRender, ClusterRender, DiffReport, SideRender } from '../../core/diff/types.ts';
import type { Deps } from '../../cli/deps.ts';
import type { RenderStats } from '../../adapters/render-cache.ts';
import { allUnchanged, identical } from '../../adapters/render-unchanged.ts';
import type { AppSource } from '../../adapters/render.ts';
import type { RevisionTree } from '../../adapters/tree-revision.ts';
import { DIRS } from '../../core/names.ts';
import { isGeneratedPath } from '../../core/tree-marks.ts';
import { readInputs, type RevisionInputs } from './inputs.ts';
import { openRevisions, type RevisionPair } from './open.ts';

export { RevisionError } from './inputs.ts';
export { openRevisions, requireRepository, WORKING_TREE, type RevisionPair } from './open.ts';

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
  // Something rendering reads differs, so objects are likely to be compared: the YAML printer,
  // text diff and provenance load while kustomize builds (otherwise only if needed).
  if (pair.changed.some((p) => isGeneratedPath(p) || p.startsWith(`${DIRS.clusters}/`)))
    for (const m of [import('../../core/diff/text.ts'), import('../../core/provenance.ts')]) m.catch(() => undefined);
  const headApps = { tree: pair.head, apps: head.apps.flat() };
  const baseApps = { tree: pair.base, apps: base.apps.flat(), like: { rev: headApps, changed: pair.changed } };
  // Nothing differs: the renderer and everything it needs stay unloaded.
  const { renders, stats } = identical([baseApps, headApps])
    ? allUnchanged([baseApps, headApps])
    : await (
        await import('../../adapters/render-cache.ts')
      ).renderRevisions([baseApps, headApps], {
        dir: opts.cacheDir,
        // Kept renders outlive the run, so their Secret digests need the repository's key.
        digester: opts.cacheDir ? () => repositoryDigester(pair.repoRoot, runner) : undefined,
        runner,
        concurrency: opts.concurrency,
        onProgress: opts.onProgress,
        skipEqual: true,
      });
  // Where objects came from is asked only of objects that changed: none when no render was needed.
  const compared = renders.some((side) => side.some((a) => a.objects.length));
  const report = await buildDiffReport({
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

async function repositoryDigester(repoRoot: string, runner: Deps['runner']) {
  const { readDigestKey, secretDigester } = await import('../../adapters/render-digest.ts');
  return secretDigester(await readDigestKey(repoRoot, runner));
}
