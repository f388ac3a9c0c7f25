// What a render depends on, as one key: the kustomize version, the source path and the
// git blob id of every file its kustomization can read (its folder, and every local folder
// or file it names, recursively). Same key ⇔ kustomize prints the same output. The ids
// come with the revision's file list (tree-revision.ts): no file is read or hashed to key
// it, only the kustomizations that say what else is read. Clusters of one environment
// share overlays, so a repository of many clusters asks for the same few paths over and
// over (48 clusters: about 570 Applications, 36 paths): a RenderKeys reads each folder once
// and keys each path once per revision. It is made per run and revision, never kept.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { filesUnder, isFolder, type RevisionTree } from './tree-revision.ts';

// Bump when what a key covers changes.
const KEY_VERSION = 'render-key/2';
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** What each kustomization refers to, by blob id: kept beside the renders, so a run parses only new ones. */
const REFS_FILE = 'kustomization-refs.txt';

/** One folder's part of the inputs: its own files, and the local folders and files its kustomization names. */
interface FolderInputs {
  files: string[];
  folders: string[];
  /** Every path its kustomization may name, present or not: where a change could alter the inputs. */
  targets: string[];
}

/** The files a kustomization can read, and the places a change to which could change that list or their ids. */
export interface Inputs {
  files: string[];
  /** The folders walked and every path named from them (present or not). */
  covered: string[];
}

/**
 * The local references of kustomization files by blob id: the same text always names the
 * same paths, so one parse serves every revision of a run, and kept (`entries`) every run
 * after it.
 */
export class KustomizationRefs {
  readonly #refs = new Map<string, Promise<string[]>>();
  readonly #known: Map<string, string[]>;
  #parsed = 0;

  constructor(known: Iterable<readonly [string, string[]]> = []) {
    this.#known = new Map(known);
  }

  /** The references of the kustomization with blob id `id`, read with `read` unless known. */
  of(id: string, read: () => Promise<string | undefined>): Promise<string[]> {
    return once(this.#refs, id, () => {
      const known = this.#known.get(id);
      if (known) return Promise.resolve(known);
      return read().then(async (text) => {
        this.#parsed++;
        return text === undefined ? [] : localReferences(text);
      });
    });
  }

  /** How many were parsed rather than known. */
  get parsed(): number {
    return this.#parsed;
  }

  /** Every kustomization asked for in this run, with its references. */
  async entries(): Promise<[string, string[]][]> {
    return Promise.all([...this.#refs].map(async ([id, r]) => [id, await r] as [string, string[]]));
  }
}

export class RenderKeys {
  readonly tree: Pick<RevisionTree, 'ids' | 'paths' | 'read'>;
  readonly tool: string;
  readonly #refs: KustomizationRefs;
  readonly #folders = new Map<string, Promise<FolderInputs>>();
  readonly #inputs = new Map<string, Promise<Inputs>>();
  readonly #keys = new Map<string, Promise<string>>();

  /** `tool` names the kustomize that renders (command and version); `refs` may be shared by revisions and runs. */
  constructor(
    tree: Pick<RevisionTree, 'ids' | 'paths' | 'read'>,
    tool: string,
    refs: KustomizationRefs = new KustomizationRefs(),
  ) {
    this.tree = tree;
    this.tool = tool;
    this.#refs = refs;
  }

  /** The key of the repository-relative kustomize folder `path` at this revision. */
  key(path: string): Promise<string> {
    return once(this.#keys, path, () => this.#computeKey(path));
  }

  /** The files (repository-relative, sorted) the kustomization at `path` can read. */
  async inputs(path: string): Promise<string[]> {
    return (await this.walk(path)).files;
  }

  /** The files the kustomization at `path` can read, and where a change could alter them. */
  walk(path: string): Promise<Inputs> {
    return once(this.#inputs, path, () => this.#computeInputs(path));
  }

  async #computeInputs(path: string): Promise<Inputs> {
    const files = new Set<string>();
    const covered = new Set<string>();
    const seen = new Set<string>();
    const queue = [posix.normalize(path).replace(/\/$/, '')];
    while (queue.length) {
      const dir = queue.pop()!;
      if (seen.has(dir)) continue;
      seen.add(dir);
      covered.add(dir);
      const f = await this.#folder(dir);
      for (const file of f.files) files.add(file);
      for (const t of f.targets) covered.add(t);
      queue.push(...f.folders);
    }
    return { files: [...files].sort(), covered: [...covered] };
  }

  async #computeKey(path: string): Promise<string> {
    const { files } = await this.walk(path);
    const h = createHash('sha256').update(`${KEY_VERSION}\0${this.tool}\0${path}\0`);
    for (const f of files) h.update(`${f}\0${this.tree.ids.get(f)}\0`);
    return h.digest('hex');
  }

  #folder(dir: string): Promise<FolderInputs> {
    return once(this.#folders, dir, () => this.#readFolder(dir));
  }

  async #readFolder(dir: string): Promise<FolderInputs> {
    const files = filesUnder(this.tree, dir);
    const folders: string[] = [];
    const targets: string[] = [];
    const name = KUSTOMIZATION_FILES.map((n) => `${dir}/${n}`).find((p) => this.tree.ids.has(p));
    const refs = name === undefined ? [] : await this.#refs.of(this.tree.ids.get(name)!, () => this.tree.read(name));
    for (const ref of refs) {
      const target = posix.join(dir, ref).replace(/\/$/, '');
      // Outside the repository, or the repository itself: not an input a revision holds.
      if (target === '.' || target === '..' || target.startsWith('../') || target.startsWith('/')) continue;
      targets.push(target);
      if (this.tree.ids.has(target)) files.push(target);
      else if (isFolder(this.tree, target)) folders.push(target);
    }
    return { files, folders, targets };
  }
}

/** Every string in the kustomization that could be a local path (URLs and inline patches are not). */
async function localReferences(text: string): Promise<string[]> {
  // Loaded here: a run whose kustomizations were all seen before loads no YAML parser.
  const { yamlValues } = await import('../core/yaml.ts');
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length < 512 && !v.includes('\n') && !/^[a-z+]+:\/\/|^git@|^github\.com\//i.test(v)) out.push(v);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  try {
    // Generated kustomizations: plain values are all that is needed, read the fast way.
    visit(yamlValues(text));
  } catch {
    // kustomize will report the broken file itself; the folder's files are still keyed.
  }
  // generator entries may be `key=path`
  return out.flatMap((s) => (s.includes('=') ? [s, s.slice(s.indexOf('=') + 1)] : [s]));
}

/** The references kept by an earlier run in `dir` (none without). */
export async function readKustomizationRefs(dir: string | undefined): Promise<KustomizationRefs> {
  const text = dir ? await readFile(join(dir, REFS_FILE), 'utf8').catch(() => '') : '';
  try {
    const v = JSON.parse(text || '[]') as unknown;
    const ok = Array.isArray(v) && v.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]));
    return new KustomizationRefs(ok ? (v as [string, string[]][]) : []);
  } catch {
    return new KustomizationRefs();
  }
}

/** Keeps the references of the kustomizations this run asked for (so the file never grows past two revisions' worth). */
export async function keepKustomizationRefs(dir: string, refs: KustomizationRefs): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${REFS_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(await refs.entries()));
  await rename(tmp, join(dir, REFS_FILE));
}

/** The value `map` holds for `key`, computed (and kept) on first ask: concurrent askers share one computation. */
function once<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = compute();
    map.set(key, v);
  }
  return v;
}
