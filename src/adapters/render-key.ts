// What a render depends on, as one key: the kustomize version, the source path and the
// git blob id of every file its kustomization can read (its folder, and every local folder
// or file it names, recursively). Same key ⇔ kustomize prints the same output. The ids
// come with the revision's file list (tree-revision.ts): no file is read or hashed to key
// it, only the kustomizations that say what else is read. Clusters of one environment
// share overlays, so a repository of many clusters asks for the same few paths over and
// over (48 clusters: 1,000 Applications, 36 paths): a RenderKeys reads each folder once
// and keys each path once per revision. It is made per run and revision, never kept.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { yamlValues } from '../core/yaml.ts';
import { filesUnder, isFolder, type RevisionTree } from './tree-revision.ts';

// Bump when what a key covers changes.
const KEY_VERSION = 'render-key/2';
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** One folder's part of the inputs: its own files, and the local folders and files its kustomization names. */
interface FolderInputs {
  files: string[];
  folders: string[];
}

export class RenderKeys {
  readonly tree: Pick<RevisionTree, 'ids' | 'paths' | 'read'>;
  readonly tool: string;
  readonly #folders = new Map<string, Promise<FolderInputs>>();
  readonly #inputs = new Map<string, Promise<string[]>>();
  readonly #keys = new Map<string, Promise<string>>();

  /** `tool` names the kustomize that renders (command and version). */
  constructor(tree: Pick<RevisionTree, 'ids' | 'paths' | 'read'>, tool: string) {
    this.tree = tree;
    this.tool = tool;
  }

  /** The key of the repository-relative kustomize folder `path` at this revision. */
  key(path: string): Promise<string> {
    let k = this.#keys.get(path);
    if (!k) {
      k = this.#computeKey(path);
      this.#keys.set(path, k);
    }
    return k;
  }

  /** The files (repository-relative, sorted) the kustomization at `path` can read. */
  inputs(path: string): Promise<string[]> {
    let i = this.#inputs.get(path);
    if (!i) {
      i = this.#computeInputs(path);
      this.#inputs.set(path, i);
    }
    return i;
  }

  async #computeInputs(path: string): Promise<string[]> {
    const files = new Set<string>();
    const seen = new Set<string>();
    const queue = [posix.normalize(path).replace(/\/$/, '')];
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
    const h = createHash('sha256').update(`${KEY_VERSION}\0${this.tool}\0${path}\0`);
    for (const f of files) h.update(`${f}\0${this.tree.ids.get(f)}\0`);
    return h.digest('hex');
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
    const files = filesUnder(this.tree, dir);
    const folders: string[] = [];
    const name = KUSTOMIZATION_FILES.map((n) => `${dir}/${n}`).find((p) => this.tree.ids.has(p));
    const text = name === undefined ? undefined : await this.tree.read(name);
    for (const ref of text === undefined ? [] : localReferences(text)) {
      const target = posix.join(dir, ref).replace(/\/$/, '');
      // Outside the repository, or the repository itself: not an input a revision holds.
      if (target === '.' || target === '..' || target.startsWith('../') || target.startsWith('/')) continue;
      if (this.tree.ids.has(target)) files.push(target);
      else if (isFolder(this.tree, target)) folders.push(target);
    }
    return { files, folders };
  }
}

/** Every string in the kustomization that could be a local path (URLs and inline patches are not). */
function localReferences(text: string): string[] {
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
