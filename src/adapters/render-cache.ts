// Renders Applications at one or more revisions without rendering the same thing twice.
// A render is keyed by the kustomize version, the app's source path and the content
// hash of every file its kustomization can read, so an Application whose inputs did not
// change between base and head (or since the last run, via .cache/) is built once.
// What is kept is what the diff compares: the objects, with every Secret value replaced
// by a keyed digest (render-digest.ts) before it is kept anywhere, memory included.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import type { AppRender } from '../core/diff/types.ts';
import { digestSecretValues } from '../core/diff/secrets.ts';
import type { KubeObject } from '../core/kube.ts';
import { mapLimit } from '../core/pool.ts';
import { findKustomize } from './kustomize.ts';
import { runProcess, type Runner } from './process.ts';
import { defaultConcurrency, renderApps, type AppSource } from './render.ts';
import { ephemeralDigester, type SecretDigester } from './render-digest.ts';

// Bump when the cached shape or what a key covers changes.
const CACHE_VERSION = 'render-cache/2';
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
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
export async function kustomizeInputs(root: string, path: string): Promise<string[]> {
  const files = new Set<string>();
  await collect(resolve(root), resolve(root, path), new Set(), files);
  return [...files].sort();
}

async function collect(root: string, dir: string, seen: Set<string>, files: Set<string>): Promise<void> {
  if (seen.has(dir)) return;
  seen.add(dir);
  for (const f of await walk(dir)) files.add(rel(root, f));
  for (const ref of await localReferences(dir)) {
    const target = resolve(dir, ref);
    if (target !== root && !target.startsWith(root + sep)) continue;
    const s = await stat(target).catch(() => undefined);
    if (s?.isDirectory()) await collect(root, target, seen, files);
    else if (s?.isFile()) files.add(rel(root, target));
  }
}

/** Every string in the kustomization that could be a local path (URLs and inline patches are not). */
async function localReferences(dir: string): Promise<string[]> {
  for (const name of KUSTOMIZATION_FILES) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const out: string[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        if (v.length < 512 && !v.includes('\n') && !/^[a-z+]+:\/\/|^git@|^github\.com\//i.test(v)) out.push(v);
      } else if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    try {
      visit(parse(text));
    } catch {
      // kustomize will report the broken file itself; the folder's files are still hashed.
    }
    // generator entries may be `key=path`
    return out.flatMap((s) => (s.includes('=') ? [s, s.slice(s.indexOf('=') + 1)] : [s]));
  }
  return [];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function rel(root: string, p: string): string {
  return relative(root, p).split(sep).join('/');
}

/** The cache key of an app at a checkout: same key ⇔ kustomize would print the same output. */
export async function renderKey(
  root: string,
  app: AppSource,
  tool: string,
  hashes = new Map<string, string>(),
): Promise<string> {
  const h = createHash('sha256').update(`${CACHE_VERSION}\0${tool}\0${app.path}\0`);
  for (const f of await kustomizeInputs(root, app.path)) {
    const abs = join(root, f);
    let fileHash = hashes.get(abs);
    if (fileHash === undefined) {
      fileHash = createHash('sha256')
        .update(await readFile(abs))
        .digest('hex');
      hashes.set(abs, fileHash);
    }
    h.update(`${f}\0${fileHash}\0`);
  }
  return h.digest('hex');
}

/** Which kustomize renders (command and version), so an upgrade never serves old renders. */
export async function kustomizeIdentity(runner: Runner = runProcess): Promise<string> {
  const tool = await findKustomize(runner);
  const args = tool.command === 'kustomize' ? ['version'] : ['version', '--client'];
  const r = await runner(tool.command, args, { allowFailure: true });
  return `${tool.command} ${r.stdout.trim().split('\n')[0] ?? ''}`;
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
  const tool = await kustomizeIdentity(runner);
  const keyed = await Promise.all(
    revisions.map(async (r) => {
      const hashes = new Map<string, string>();
      return Promise.all(
        r.apps.map(async (app) => ({
          root: r.root,
          app,
          key: app.remote ? undefined : await renderKey(r.root, app, tool, hashes),
        })),
      );
    }),
  );
  const stats: RenderStats = { requested: keyed.flat().length, rendered: 0, fromDisk: 0, shared: 0 };
  const results = new Map<string, Cached>();
  const todo: { root: string; app: AppSource; key: string }[] = [];
  const queued = new Set<string>();
  for (const k of keyed.flat()) {
    if (!k.key || results.has(k.key) || queued.has(k.key)) continue;
    queued.add(k.key);
    const hit = opts.dir ? await readEntry(opts.dir, k.key, digester) : undefined;
    if (hit) {
      results.set(k.key, hit);
      stats.fromDisk++;
    } else todo.push({ root: k.root, app: k.app, key: k.key });
  }
  let done = 0;
  await mapLimit(todo, opts.concurrency ?? defaultConcurrency(), async (t) => {
    const [r] = await renderApps(t.root, [t.app], { runner });
    const entry = toCached(r!.objects, digester);
    results.set(t.key, entry);
    if (opts.dir) await writeEntry(opts.dir, t.key, entry);
    opts.onProgress?.(++done, todo.length, t.app);
  });
  stats.rendered = todo.length;
  stats.shared = keyed.flat().filter((k) => k.key).length - stats.rendered - stats.fromDisk;
  if (opts.dir && todo.length) await prune(opts.dir);
  const renders = await Promise.all(
    keyed.map((side) =>
      Promise.all(
        side.map(async (k) =>
          k.key ? { ...k.app, objects: results.get(k.key)!.objects } : skippedRender(k.root, k.app, runner),
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
