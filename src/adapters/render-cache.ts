// Renders Applications at one or more revisions without rendering the same thing twice.
// A render is keyed by the kustomize version, the app's source path and the content
// hash of every file its kustomization can read, so an Application whose inputs did not
// change between base and head (or since the last run, via .cache/) is built once.
// What is kept is what the diff compares: the objects, with every Secret value replaced
// by a keyed digest (render-digest.ts) before it is kept anywhere, memory included.
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppRender } from '../core/diff/types.ts';
import { digestSecretValues } from '../core/diff/secrets.ts';
import { InternalError } from '../core/errors.ts';
import type { KubeObject } from '../core/kube.ts';
import { mapLimit } from '../core/pool.ts';
import { findKustomize, type KustomizeTool } from './kustomize.ts';
import { runProcess, type Runner } from './process.ts';
import { defaultConcurrency, renderApps, type AppSource } from './render.ts';
import { ephemeralDigester, type SecretDigester } from './render-digest.ts';
import { RenderKeys } from './render-key.ts';

// Bump when the cached shape or what a key covers changes.
const CACHE_VERSION = 'render-cache/2';
const MAX_ENTRIES = 2000;

export interface RenderCacheOptions {
  /** Folder for renders kept across runs (e.g. <repo>/.cache/render); memory only when unset. */
  dir?: string;
  runner?: Runner;
  concurrency?: number;
  /** Digests Secret values; a key for this run only when unset (then nothing with a Secret is reused from disk). */
  digester?: SecretDigester;
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
}

export interface RevisionApps {
  /** Absolute root of the checkout these apps are read from. */
  root: string;
  apps: readonly AppSource[];
}

/** The files (repository-relative) a kustomization can read: its folder, and every local path it names, recursively. */
export function kustomizeInputs(root: string, path: string): Promise<string[]> {
  return new RenderKeys(root, '').inputs(path);
}

/** The cache key of one app at a checkout (renderRevisions keys many through one RenderKeys per checkout). */
export function renderKey(root: string, app: AppSource, tool: string): Promise<string> {
  return new RenderKeys(root, `${CACHE_VERSION}\0${tool}`).key(app.path);
}

export interface KustomizeIdentity {
  tool: KustomizeTool;
  /** Command and version, so that an upgrade never serves old renders. */
  identity: string;
}

let probed: Promise<KustomizeIdentity> | undefined;

/**
 * Which kustomize renders, found and versioned by one probe — `kustomize version`, else
 * `kubectl version --client`, whose answer is the version — once per process (a test's
 * runner is probed each time).
 */
export function kustomizeIdentity(runner: Runner = runProcess): Promise<KustomizeIdentity> {
  if (runner !== runProcess) return probeKustomize(runner);
  return (probed ??= probeKustomize(runner).catch((e: unknown) => {
    probed = undefined;
    throw e;
  }));
}

async function probeKustomize(runner: Runner): Promise<KustomizeIdentity> {
  const candidates: [KustomizeTool, string[]][] = [
    [{ command: 'kustomize', prefix: ['build'] }, ['version']],
    [{ command: 'kubectl', prefix: ['kustomize'] }, ['version', '--client']],
  ];
  for (const [tool, args] of candidates) {
    const r = await runner(tool.command, args, { allowFailure: true }).catch(() => undefined);
    if (r?.code === 0) return { tool, identity: `${tool.command} ${r.stdout.trim().split('\n')[0] ?? ''}` };
  }
  await findKustomize(runner); // neither answered: its error says what to install
  throw new InternalError('findKustomize found a kustomize that did not answer its version probe');
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
 * Renders the apps of every revision, each distinct render once: from the cache folder
 * when an earlier run made it, else with kustomize (all revisions share one pool).
 */
export async function renderRevisions(
  revisions: readonly RevisionApps[],
  opts: RenderCacheOptions = {},
): Promise<{ renders: AppRender[][]; stats: RenderStats }> {
  const runner = opts.runner ?? runProcess;
  const digester = opts.digester ?? ephemeralDigester();
  const { tool, identity } = await kustomizeIdentity(runner);
  const keyed = await Promise.all(
    revisions.map((r) => {
      // One per checkout: each folder is read and each path keyed once, however many clusters share it.
      const keys = new RenderKeys(r.root, `${CACHE_VERSION}\0${identity}`);
      return Promise.all(
        r.apps.map(async (app) => ({ root: r.root, app, key: app.remote ? undefined : await keys.key(app.path) })),
      );
    }),
  );
  const distinct = new Map<string, { root: string; app: AppSource }>();
  for (const k of keyed.flat()) if (k.key && !distinct.has(k.key)) distinct.set(k.key, k);
  const results = new Map<string, Cached>();
  if (opts.dir) {
    const dir = opts.dir;
    const hits = await mapLimit(
      [...distinct.keys()],
      16,
      async (key) => [key, await readEntry(dir, key, digester)] as const,
    );
    for (const [key, hit] of hits) if (hit) results.set(key, hit);
  }
  const todo = [...distinct].filter(([key]) => !results.has(key)).map(([key, t]) => ({ ...t, key }));
  const stats: RenderStats = {
    requested: keyed.flat().length,
    rendered: todo.length,
    fromDisk: results.size,
    shared: keyed.flat().filter((k) => k.key).length - distinct.size,
  };
  let done = 0;
  await mapLimit(todo, opts.concurrency ?? defaultConcurrency(), async (t) => {
    const [r] = await renderApps(t.root, [t.app], { runner, tool });
    const entry = toCached(r!.objects, digester);
    results.set(t.key, entry);
    if (opts.dir) await writeEntry(opts.dir, t.key, entry);
    opts.onProgress?.(++done, todo.length, t.app);
  });
  if (opts.dir && todo.length) await prune(opts.dir);
  const renders = await Promise.all(
    keyed.map((side) =>
      Promise.all(
        side.map(async (k) =>
          k.key
            ? { ...k.app, objects: results.get(k.key)!.objects, renderKey: k.key }
            : skippedRender(k.root, k.app, runner),
        ),
      ),
    ),
  );
  return { renders, stats };
}

/** A remote (not renderable offline) app: renderApps says why, with no objects. */
async function skippedRender(root: string, app: AppSource, runner: Runner): Promise<AppRender> {
  const { yaml: _yaml, ...rest } = (await renderApps(root, [app], { runner }))[0]!;
  return rest;
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
