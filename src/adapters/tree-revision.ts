// The files of a revision as git records them — each path with its blob id — so that a
// diff reads, keys and checks out only what it needs. A commit is listed by one
// `git ls-tree`; the working tree is that list with the paths git reports as changed
// (hashed from disk). A file whose id is the same in the working tree is read from disk,
// any other from git's objects, and kustomize gets a temporary folder holding only the
// files it reads. Files git ignores are not part of a revision: Argo CD never sees them.
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobId, listTree, readBlobs } from './git.ts';
import { runProcess, type Runner } from './process.ts';

export interface RevisionTree {
  /** What the user named (or 'working tree'). */
  ref: string;
  /** Commit id; undefined for the working tree. */
  sha?: string;
  /** path → blob id, for every file. */
  ids: ReadonlyMap<string, string>;
  /** Every path, sorted. */
  paths: readonly string[];
  /** A file's text, or undefined when the revision has no such file. */
  read(path: string): Promise<string | undefined>;
  /** A folder holding at least `paths` of this revision as files: the working tree itself, or a temporary one. */
  materialize(paths: Iterable<string>): Promise<string>;
  /** The temporary folder, once materialize made one (errors name the revision instead). */
  readonly tempDir?: string;
  /** Removes the temporary folder; safe to call twice. */
  close(): Promise<void>;
}

/** The paths under a folder (repository-relative, no trailing slash), in order. */
export function filesUnder(tree: Pick<RevisionTree, 'paths'>, folder: string): string[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const paths = tree.paths;
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (paths[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < paths.length && paths[i]!.startsWith(prefix); i++) out.push(paths[i]!);
  return out;
}

/** The paths at or under each of `roots` (files or folders), root by root. */
export function pathsUnder(tree: Pick<RevisionTree, 'paths' | 'ids'>, roots: readonly string[]): string[] {
  return roots.flatMap((r) => (tree.ids.has(r) ? [r] : filesUnder(tree, r)));
}

export function isFolder(tree: Pick<RevisionTree, 'paths'>, path: string): boolean {
  const prefix = `${path}/`;
  let lo = 0;
  let hi = tree.paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tree.paths[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < tree.paths.length && tree.paths[lo]!.startsWith(prefix);
}

/** Whether a changed path lies at or under any of `paths`. */
export function touches(changed: Iterable<string>, paths: readonly string[]): boolean {
  for (const c of changed) if (paths.some((p) => c === p || c.startsWith(`${p}/`))) return true;
  return false;
}

// Temporary folders of this process not yet removed, removed at exit (Ctrl-C included).
const open = new Set<string>();
let hooked = false;
function track(dir: string): void {
  if (!hooked) {
    process.on('exit', () => {
      for (const d of open) rmSync(d, { recursive: true, force: true });
    });
    hooked = true;
  }
  open.add(dir);
}

const sorted = (ids: ReadonlyMap<string, string>) => [...ids.keys()].sort();

/**
 * The working tree as a revision: `base`'s files with `changed` (what `git diff <base>`
 * and the untracked files list) read from disk — hashed when present, dropped when gone.
 */
export async function workingTree(
  root: string,
  base: ReadonlyMap<string, string>,
  changed: readonly string[],
): Promise<RevisionTree> {
  const ids = new Map(base);
  await Promise.all(
    changed.map(async (p) => {
      const content = await readFile(join(root, p)).catch(() => undefined);
      if (content) ids.set(p, blobId(content));
      else ids.delete(p);
    }),
  );
  return {
    ref: 'working tree',
    ids,
    paths: sorted(ids),
    read: (p) => (ids.has(p) ? readFile(join(root, p), 'utf8') : Promise.resolve(undefined)),
    materialize: () => Promise.resolve(root),
    close: () => Promise.resolve(),
  };
}

/** Reads blobs by id, each once; the reads asked for in one moment go to git in one process. */
function blobReader(root: string, runner: Runner): (id: string) => Promise<string> {
  const texts = new Map<string, Promise<string>>();
  let batch: { id: string; resolve: (t: string) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const todo = batch;
    batch = [];
    readBlobs(
      root,
      todo.map((t) => t.id),
      runner,
    ).then(
      (got) => todo.forEach((t) => t.resolve(got.get(t.id)!)),
      (e: unknown) => todo.forEach((t) => t.reject(e)),
    );
  };
  return (id) => {
    let t = texts.get(id);
    if (!t) {
      t = new Promise<string>((resolve, reject) => {
        if (!batch.length) setImmediate(flush);
        batch.push({ id, resolve, reject });
      });
      texts.set(id, t);
    }
    return t;
  };
}

/** A temporary folder that files of one commit are written into as they are asked for, one request at a time. */
class Checkout {
  #dir?: Promise<string>;
  #made?: string;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #written = new Set<string>();
  readonly root: string;
  readonly sha: string;
  readonly runner: Runner;

  constructor(root: string, sha: string, runner: Runner) {
    this.root = root;
    this.sha = sha;
    this.runner = runner;
  }

  get dir(): string | undefined {
    return this.#made;
  }

  write(paths: readonly string[]): Promise<string> {
    const step = this.#chain.then(async () => {
      this.#dir ??= checkoutIndex(this.root, this.sha, this.runner).then((d) => (this.#made = d));
      const d = await this.#dir;
      const todo = paths.filter((p) => !this.#written.has(p));
      if (todo.length) {
        await this.runner('git', ['checkout-index', '-z', '--stdin', `--prefix=${d}/`], {
          cwd: this.root,
          env: { GIT_INDEX_FILE: join(d, INDEX) },
          input: todo.join('\0'),
        });
        for (const p of todo) this.#written.add(p);
      }
      return d;
    });
    this.#chain = step.catch(() => undefined);
    return step;
  }

  async remove(): Promise<void> {
    const d = this.#made ?? (this.#dir ? await this.#dir.catch(() => undefined) : undefined);
    if (!d) return;
    open.delete(d);
    await rm(d, { recursive: true, force: true });
  }
}

/**
 * A commit as a revision. `twin` (the working tree) serves every file whose id it shares;
 * the others are read from git, the reads of one moment in one process.
 */
export async function commitTree(
  root: string,
  ref: string,
  sha: string,
  runner: Runner = runProcess,
  opts: { ids?: ReadonlyMap<string, string>; twin?: RevisionTree } = {},
): Promise<RevisionTree> {
  const ids = opts.ids ?? (await listTree(root, sha, runner));
  const { twin } = opts;
  const readBlob = blobReader(root, runner);
  const checkout = new Checkout(root, sha, runner);
  return {
    ref,
    sha,
    ids,
    paths: sorted(ids),
    read(p) {
      const id = ids.get(p);
      if (id === undefined) return Promise.resolve(undefined);
      return twin && twin.ids.get(p) === id ? twin.read(p) : readBlob(id);
    },
    materialize: (paths) => checkout.write([...new Set(paths)].filter((p) => ids.has(p))),
    get tempDir() {
      return checkout.dir;
    },
    close: () => checkout.remove(),
  };
}

/** Where a temporary folder keeps its own index (no kustomization reads it). */
const INDEX = '.somastack-index';

/** A temporary folder with an index of `sha` of its own: files are written from it, the repository's index untouched. */
async function checkoutIndex(root: string, sha: string, runner: Runner): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'somastack-rev-'));
  track(d);
  await runner('git', ['read-tree', sha], { cwd: root, env: { GIT_INDEX_FILE: join(d, INDEX) } });
  return d;
}

async function walk(root: string, dir: string, out: Map<string, string>): Promise<void> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(root, p, out);
    else if (e.isFile()) out.set(p, blobId(await readFile(join(root, p))));
  }
}

/** Every file of a folder that is not a git checkout, hashed as git would (tests, and folders outside a repository). */
export async function folderTree(root: string): Promise<RevisionTree> {
  const ids = new Map<string, string>();
  await walk(root, '', ids);
  return {
    ref: root,
    ids,
    paths: sorted(ids),
    read: (p) => (ids.has(p) ? readFile(join(root, p), 'utf8') : Promise.resolve(undefined)),
    materialize: () => Promise.resolve(root),
    close: () => Promise.resolve(),
  };
}
