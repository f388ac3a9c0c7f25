// What a render depends on, as one key: the kustomize version, the source path and the
// content hash of every file its kustomization can read (its folder, and every local
// folder or file it names, recursively). Same key ⇔ kustomize prints the same output.
// Clusters of one environment share overlays, so a repository of many clusters asks for
// the same few paths over and over (48 clusters: 1,000 Applications, 36 paths): a
// RenderKeys lists and parses each folder once, hashes each file once and keys each path
// once per checkout. It is made per run and checkout, never kept: files change between runs.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { yamlValues } from '../core/yaml.ts';

// Bump when what a key covers changes.
const KEY_VERSION = 'render-key/1';
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** One folder's part of the inputs: its own files, and the local folders and files its kustomization names. */
interface FolderInputs {
  files: string[];
  folders: string[];
}

export class RenderKeys {
  readonly root: string;
  readonly tool: string;
  readonly #folders = new Map<string, Promise<FolderInputs>>();
  readonly #hashes = new Map<string, Promise<string>>();
  readonly #keys = new Map<string, Promise<string>>();

  /** `tool` names the kustomize that renders (command and version). */
  constructor(root: string, tool: string) {
    this.root = resolve(root);
    this.tool = tool;
  }

  /** The key of the repository-relative kustomize folder `path` at this checkout. */
  key(path: string): Promise<string> {
    let k = this.#keys.get(path);
    if (!k) {
      k = this.#computeKey(path);
      this.#keys.set(path, k);
    }
    return k;
  }

  /** The files (repository-relative, sorted) the kustomization at `path` can read. */
  async inputs(path: string): Promise<string[]> {
    const files = new Set<string>();
    const seen = new Set<string>();
    const queue = [resolve(this.root, path)];
    while (queue.length) {
      const dir = queue.pop()!;
      if (seen.has(dir)) continue;
      seen.add(dir);
      const f = await this.#folder(dir);
      for (const file of f.files) files.add(file);
      queue.push(...f.folders);
    }
    return [...files].sort();
  }

  async #computeKey(path: string): Promise<string> {
    const files = await this.inputs(path);
    const hashes = await Promise.all(files.map((f) => this.#hash(f)));
    const h = createHash('sha256').update(`${KEY_VERSION}\0${this.tool}\0${path}\0`);
    files.forEach((f, i) => h.update(`${f}\0${hashes[i]}\0`));
    return h.digest('hex');
  }

  #hash(file: string): Promise<string> {
    let h = this.#hashes.get(file);
    if (!h) {
      h = readFile(join(this.root, file)).then((b) => createHash('sha256').update(b).digest('hex'));
      this.#hashes.set(file, h);
    }
    return h;
  }

  #folder(dir: string): Promise<FolderInputs> {
    let f = this.#folders.get(dir);
    if (!f) {
      f = this.#readFolder(dir);
      this.#folders.set(dir, f);
    }
    return f;
  }

  async #readFolder(dir: string): Promise<FolderInputs> {
    const files = (await walk(dir)).map((p) => this.#rel(p));
    const folders: string[] = [];
    for (const ref of await localReferences(dir)) {
      const target = resolve(dir, ref);
      if (target !== this.root && !target.startsWith(this.root + sep)) continue;
      const s = await stat(target).catch(() => undefined);
      if (s?.isDirectory()) folders.push(target);
      else if (s?.isFile()) files.push(this.#rel(target));
    }
    return { files, folders };
  }

  #rel(p: string): string {
    return relative(this.root, p).split(sep).join('/');
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
      // Generated kustomizations: plain values are all that is needed, read the fast way.
      visit(yamlValues(text));
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
