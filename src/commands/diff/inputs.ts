// What a diff reads of a revision before rendering: its clusters, the Applications each
// one's generated files declare (and whether their source pulls a remote resource), and
// its generated files. The working tree's list is kept in .cache/diff-inputs/ under the
// hash of what it is read from — the cluster inputs, the generated Application files, the
// kustomizations and the program that reads them, by blob id — so a run whose Application
// files and kustomizations did not change parses none of them. At the base, only what
// differs from the head is read again.
import { createHash } from 'node:crypto';
import type { Environment } from '../../core/names.ts';
import { ContextualError } from '../../core/errors.ts';
import { DIRS, FILES, legacyRootAppPath, rootAppPath } from '../../core/names.ts';
import { GENERATED_FILES, GENERATED_ROOTS } from '../../core/tree-marks.ts';
import type { AppFiles, AppSource, RemoteMemo } from '../../adapters/render.ts';
import { filesUnder, isFolder, pathsUnder, touches, type RevisionTree } from '../../adapters/tree-revision.ts';
import { keepMemo, readMemo } from './memo.ts';

const LISTING_VERSION = 'diff-inputs/3';
/** What reading a revision's clusters and Applications depends on. */
const LISTING_INPUTS = ['src', 'package.json', 'package-lock.json', DIRS.clusters, DIRS.clusterBootstrap, DIRS.apps];

export interface ClusterRef {
  name: string;
  environment: Environment;
}

export interface RevisionInputs {
  clusters: ClusterRef[];
  apps: AppSource[][];
  files: string[];
}

interface Listing {
  clusters: ClusterRef[];
  apps: AppSource[][];
}

/** Whether a source pulls a remote resource is read from kustomization files only (render.ts). */
const isKustomization = (p: string) => p === FILES.kustomization || p.endsWith(`/${FILES.kustomization}`);

/**
 * An error met while reading a committed revision: it names the revision instead of the
 * temporary folder, keeps the kind and fix of the error it wraps, and chains it as `cause`.
 */
export class RevisionError extends ContextualError {
  override name = 'RevisionError';
  constructor(ref: string, root: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`at revision ${ref}: ${message.replaceAll(root, '<revision>')}`, cause);
  }
}

/** Errors about a committed revision name the revision, not a temporary folder. */
async function atRevision<T>(tree: RevisionTree, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (tree.sha) throw new RevisionError(tree.ref, tree.tempDir ?? '\0', e);
    throw e;
  }
}

/** A revision's files as the Application reader wants them. */
function appFiles(tree: RevisionTree): AppFiles {
  return {
    read: (p) => tree.read(p),
    list: async (dir) =>
      filesUnder(tree, dir)
        .map((p) => p.slice(dir.length + 1))
        .filter((n) => !n.includes('/')),
  };
}

/** What a cluster's Application list is read from. */
const applicationInputs = (c: string) => [rootAppPath(c), legacyRootAppPath(c), `${DIRS.apps}/${c}`];

export function listingKey(tree: Pick<RevisionTree, 'paths' | 'ids'>, tolerateMissing: boolean): string {
  const h = createHash('sha256').update(`${LISTING_VERSION}\0${tolerateMissing}\0`);
  for (const p of pathsUnder(tree, LISTING_INPUTS)) h.update(`${p}\0${tree.ids.get(p)}\0`);
  for (const p of tree.paths) if (isKustomization(p)) h.update(`${p}\0${tree.ids.get(p)}\0`);
  return h.digest('hex');
}

const isListing = (v: unknown): v is Listing => {
  const l = v as Partial<Listing> | null;
  return Array.isArray(l?.clusters) && Array.isArray(l.apps) && l.apps.length === l.clusters.length;
};

async function loadClusterRefs(tree: RevisionTree): Promise<ClusterRef[]> {
  // Imported here: compiling the cluster schema is a tenth of a second that a kept listing saves.
  const { loadClusters } = await import('../../adapters/inputs.ts');
  const clusters = await atRevision(tree, async () =>
    loadClusters(await tree.materialize(filesUnder(tree, DIRS.clusters))),
  );
  return clusters.map((c) => ({ name: c.name, environment: c.environment }));
}

/** The clusters and Application list of a revision, each read unless `same` has it unchanged. */
async function listInputs(
  tree: RevisionTree,
  tolerateMissing: boolean,
  reader: AppFiles,
  same?: { inputs: RevisionInputs; changed: readonly string[] },
): Promise<Listing> {
  if (tolerateMissing && !isFolder(tree, DIRS.clusters)) return { clusters: [], apps: [] };
  const clusters = same && !touches(same.changed, [DIRS.clusters]) ? same.inputs.clusters : await loadClusterRefs(tree);
  const known = new Map(same?.inputs.clusters.map((c, i) => [c.name, same.inputs.apps[i]!]));
  // The reader (and the YAML parser it loads) only when something is read.
  const render = () => import('../../adapters/render.ts');
  const remote: RemoteMemo = new Map();
  // The other revision's remote flags hold while no kustomization differs.
  const sameRemote = same && !same.changed.some(isKustomization);
  const apps = await Promise.all(
    clusters.map(async (c): Promise<AppSource[]> => {
      const generated = tree.ids.has(rootAppPath(c.name)) || tree.ids.has(legacyRootAppPath(c.name));
      if (!generated && tolerateMissing) return [];
      const prior = known.get(c.name);
      if (same && prior && !touches(same.changed, applicationInputs(c.name)))
        return sameRemote
          ? prior
          : Promise.all(
              prior.map(async (a) => ({ ...a, remote: await (await render()).remoteAt(reader, a.path, remote) })),
            );
      return atRevision(tree, async () => (await render()).readApplicationsFrom(reader, c, remote));
    }),
  );
  return { clusters, apps };
}

/**
 * The clusters and Applications of a revision; a revision from before the generated tree
 * existed has none. With `same` (the other revision's inputs and the paths that differ),
 * what did not change is taken from there; otherwise, with `memoDir`, from a listing kept
 * for the same files.
 */
export async function readInputs(
  tree: RevisionTree,
  tolerateMissing: boolean,
  opts: { same?: { inputs: RevisionInputs; changed: readonly string[] }; memoDir?: string } = {},
): Promise<RevisionInputs> {
  const reader = appFiles(tree);
  const memoDir = opts.same ? undefined : opts.memoDir;
  const key = memoDir ? listingKey(tree, tolerateMissing) : undefined;
  let listing = memoDir && key ? await readMemo(memoDir, key, isListing) : undefined;
  if (!listing) {
    listing = await listInputs(tree, tolerateMissing, reader, opts.same);
    if (memoDir && key) await keepMemo(memoDir, key, listing).catch(() => undefined);
  }
  return { ...listing, files: pathsUnder(tree, [...GENERATED_ROOTS, ...GENERATED_FILES]).sort() };
}
