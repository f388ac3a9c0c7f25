// Renders Applications at one or more revisions without rendering the same thing twice.
// A render is keyed by the kustomize version, the app's source path and the blob id of
// every file its kustomization can read, so an Application whose inputs did not change
// between base and head (or since the last run, via .cache/) is built once — and one with
// the same key at every revision is neither built nor read: it is unchanged.
// What is kept is what the diff compares: the objects, with every Secret value replaced
// by a keyed digest (render-digest.ts) before it is kept anywhere, memory included.
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppRender } from '../core/diff/types.ts';
import { digestSecretValues } from '../core/diff/secrets.ts';
import type { KubeObject } from '../core/kube.ts';
import { mapLimit } from '../core/pool.ts';
import { runProcess, type Runner } from './process.ts';
import type { AppSource } from './render.ts';
import { defaultConcurrency } from './render-common.ts';
import { allUnchanged, identical, skippedRender } from './render-unchanged.ts';
import { ephemeralDigester, type SecretDigester } from './render-digest.ts';
import { keepKustomizationRefs, KustomizationRefs, readKustomizationRefs, RenderKeys } from './render-key.ts';
import { kustomizeBuild, type KustomizeTool } from './kustomize.ts';
import { kustomizeIdentity } from './render-identity.ts';
import { folderTree, touches, type RevisionTree } from './tree-revision.ts';

export { kustomizeIdentity, type KustomizeIdentity } from './render-identity.ts';

// Bump when the cached shape or what a key covers changes.
const CACHE_VERSION = 'render-cache/3';
const MAX_ENTRIES = 2000;

export interface RenderCacheOptions {
  /** Folder for renders kept across runs (e.g. <repo>/.cache/render); memory only when unset. */
  dir?: string;
  runner?: Runner;
  concurrency?: number;
  /**
   * Digests Secret values; a key for this run only when unset (then nothing with a Secret is
   * reused from disk). A function is called only when some render is read or made.
   */
  digester?: SecretDigester | (() => Promise<SecretDigester>);
  /**
   * An Application (by cluster and name) with the same key at every revision is returned
   * with no objects, neither built nor read: whoever compares takes equal keys as unchanged.
   */
  skipEqual?: boolean;
  onProgress?: (done: number, total: number, app: AppSource) => void;
}

export interface RenderStats {
  /** Applications asked for, over all revisions. */
  requested: number;
  /** kustomize builds actually run. */
  rendered: number;
  /** Served from the cache folder of an earlier run. */
  fromDisk: number;
  /** Served from a render made in this run (e.g. base and head identical). */
  shared: number;
  /** With skipEqual: the same key at every revision, so neither built nor read. */
  unchanged: number;
}

export interface RevisionApps {
  /** The files of the revision these apps are read from. */
  tree: RevisionTree;
  apps: readonly AppSource[];
  /**
   * Another revision of the same call and the paths that differ from it: a source path none
   * of whose inputs could have changed takes that revision's key, without walking its inputs.
   */
  like?: { rev: RevisionApps; changed: readonly string[] };
}

/** The files (repository-relative) a kustomization in a folder can read: its folder, and every local path it names, recursively. */
export async function kustomizeInputs(root: string, path: string): Promise<string[]> {
  return new RenderKeys(await folderTree(root), '').inputs(path);
}

/** The cache key of one app in a folder (renderRevisions keys many through one RenderKeys per revision). */
export async function renderKey(root: string, app: AppSource, tool: string): Promise<string> {
  return new RenderKeys(await folderTree(root), `${CACHE_VERSION}\0${tool}`).key(app.path);
}

interface Cached {
  objects: KubeObject[];
  /** The digest key's id, when a Secret value was digested: with another key the entry is useless. */
  digestKeyId?: string;
}

/** The kept form of a render: no YAML text, and no Secret value. */
function toCached(objects: readonly KubeObject[], digester: SecretDigester): Cached {
  let digested = false;
  const kept = objects.map((o) => {
    const d = digestSecretValues(o, digester.digest);
    digested ||= d !== o;
    return d;
  });
  return digested ? { objects: kept, digestKeyId: digester.id } : { objects: kept };
}

/**
 * Every app's render key at its revision (none for a remote one). One RenderKeys per
 * revision: each folder is read and each path keyed once, however many clusters share it.
 */
export async function keyRevisions(
  revisions: readonly RevisionApps[],
  tool: string,
  refs?: KustomizationRefs,
): Promise<Keyed[][]> {
  const keysOf = new Map(revisions.map((r) => [r, new RenderKeys(r.tree, tool, refs)]));
  const keyOf = async (rev: RevisionApps, path: string): Promise<string> => {
    const like = rev.like && keysOf.get(rev.like.rev);
    // A key changes only with a file under a folder the walk read or at a path a kustomization names.
    if (like && !touches(rev.like!.changed, (await like.walk(path)).covered)) return like.key(path);
    return keysOf.get(rev)!.key(path);
  };
  return Promise.all(
    revisions.map((rev) =>
      Promise.all(
        rev.apps.map(async (app) => ({
          rev,
          keys: keysOf.get(rev)!,
          app,
          key: app.remote ? undefined : await keyOf(rev, app.path),
        })),
      ),
    ),
  );
}

export interface Keyed {
  rev: RevisionApps;
  keys: RenderKeys;
  app: AppSource;
  key?: string;
}

/** Applications (by cluster and name) present at every revision with one key there: unchanged. */
function equalEverywhere(sides: readonly Keyed[][]): Set<string> {
  const id = (k: Keyed) => `${k.app.cluster}\0${k.app.app}`;
  const seen = new Map<string, { key?: string; n: number }>();
  for (const side of sides) {
    for (const k of side) {
      const s = seen.get(id(k));
      if (!s) seen.set(id(k), { key: k.key, n: 1 });
      else seen.set(id(k), { key: s.key === k.key ? s.key : undefined, n: s.n + 1 });
    }
  }
  return new Set([...seen].filter(([, s]) => s.key !== undefined && s.n === sides.length).map(([i]) => i));
}

/**
 * Renders the apps of every revision, each distinct render once: from the cache folder
 * when an earlier run made it, else with kustomize (all revisions share one pool), in a
 * folder holding the revision's files that render reads.
 */
export async function renderRevisions(
  revisions: readonly RevisionApps[],
  opts: RenderCacheOptions = {},
): Promise<{ renders: AppRender[][]; stats: RenderStats }> {
  if (opts.skipEqual && identical(revisions)) return allUnchanged(revisions);
  const runner = opts.runner ?? runProcess;
  const [{ tool, identity }, refs] = await Promise.all([
    kustomizeIdentity(runner, opts.dir),
    readKustomizationRefs(opts.dir),
  ]);
  const keyed = await keyRevisions(revisions, `${CACHE_VERSION}\0${identity}`, refs);
  if (opts.dir && refs.parsed) await keepKustomizationRefs(opts.dir, refs);
  const same = opts.skipEqual ? equalEverywhere(keyed) : new Set<string>();
  const isSame = (k: Keyed) => same.has(`${k.app.cluster}\0${k.app.app}`);
  const distinct = new Map<string, Keyed>();
  for (const k of keyed.flat()) if (k.key && !isSame(k) && !distinct.has(k.key)) distinct.set(k.key, k);
  const results = new Map<string, Cached>();
  // Made only when some render is read or made: the repository's key costs a git process.
  const given = opts.digester;
  const digester = !distinct.size
    ? undefined
    : given === undefined
      ? ephemeralDigester()
      : typeof given === 'function'
        ? await given()
        : given;
  if (opts.dir && digester) {
    const dir = opts.dir;
    const hits = await mapLimit(
      [...distinct.keys()],
      16,
      async (key) => [key, await readEntry(dir, key, digester)] as const,
    );
    for (const [key, hit] of hits) if (hit) results.set(key, hit);
  }
  const todo = [...distinct].filter(([key]) => !results.has(key)).map(([key, k]) => ({ ...k, key }));
  const needed = keyed.flat().filter((k) => k.key && !isSame(k)).length;
  const stats: RenderStats = {
    requested: keyed.flat().length,
    rendered: todo.length,
    fromDisk: results.size,
    shared: needed - distinct.size,
    unchanged: keyed.flat().filter(isSame).length,
  };
  if (todo.length && digester) {
    await build(todo, await checkouts(todo), results, { ...opts, runner, tool, digester });
    if (opts.dir) await prune(opts.dir);
  }
  const renders = keyed.map((side) =>
    side.map((k): AppRender => {
      if (!k.key) return skippedRender(k.app);
      const objects = isSame(k) ? [] : results.get(k.key)!.objects;
      return { ...k.app, objects, renderKey: k.key };
    }),
  );
  return { renders, stats };
}

/** Builds each render with kustomize (side by side), keeping what it makes in `results` and the cache folder. */
async function build(
  todo: readonly (Keyed & { key: string })[],
  roots: ReadonlyMap<RevisionApps, string>,
  results: Map<string, Cached>,
  opts: RenderCacheOptions & { runner: Runner; tool: KustomizeTool; digester: SecretDigester },
): Promise<void> {
  // kustomize starts at once; reading what it prints needs the YAML parser, which loads meanwhile
  // (a run that builds nothing never loads it).
  const parser = import('./render.ts');
  parser.catch(() => undefined);
  let done = 0;
  await mapLimit(todo, opts.concurrency ?? defaultConcurrency(), async (t) => {
    const root = roots.get(t.rev)!;
    const yaml = await kustomizeBuild(join(root, t.app.path), opts.runner, opts.tool);
    const objects = (await parser).parseRendered(yaml, t.app.path);
    const entry = toCached(objects, opts.digester);
    results.set(t.key, entry);
    if (opts.dir) await writeEntry(opts.dir, t.key, entry);
    opts.onProgress?.(++done, todo.length, t.app);
  });
}

/** For each revision with something to build, a folder holding every file those builds read. */
async function checkouts(todo: readonly Keyed[]): Promise<Map<RevisionApps, string>> {
  const byRev = new Map<RevisionApps, Keyed[]>();
  for (const t of todo) byRev.set(t.rev, [...(byRev.get(t.rev) ?? []), t]);
  const out = new Map<RevisionApps, string>();
  await Promise.all(
    [...byRev].map(async ([rev, ts]) => {
      const files = (await Promise.all(ts.map((t) => t.keys.inputs(t.app.path)))).flat();
      out.set(rev, await rev.tree.materialize(files));
    }),
  );
  return out;
}

async function readEntry(dir: string, key: string, digester: SecretDigester): Promise<Cached | undefined> {
  const file = join(dir, `${key}.json`);
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<Cached>;
    if (!Array.isArray(v.objects)) return undefined;
    if (v.digestKeyId !== undefined && v.digestKeyId !== digester.id) return undefined;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined); // pruning keeps what is used
    return v.digestKeyId === undefined ? { objects: v.objects } : { objects: v.objects, digestKeyId: v.digestKeyId };
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so a concurrent run never reads half an entry. */
async function writeEntry(dir: string, key: string, entry: Cached): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${key}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(entry));
  await rename(tmp, join(dir, `${key}.json`));
}

/** Keeps the newest MAX_ENTRIES renders. */
async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const aged = await Promise.all(
    names.map(async (n) => ({ n, t: (await stat(join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  aged.sort((a, b) => b.t - a.t);
  await Promise.all(aged.slice(MAX_ENTRIES).map((a) => unlink(join(dir, a.n)).catch(() => undefined)));
}
