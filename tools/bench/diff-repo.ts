// Temporary repositories for the diff benchmark: a copy of this repository's program (src/,
// package.json, node_modules linked) so that the CLI runs in it exactly as in a clone, its
// clusters grown to any number by adding registered clusters (staging and prod in turn,
// each with its own API server), and the generated tree committed.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readComponentFiles } from '../../src/adapters/component-files.ts';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { DIRS, FILES } from '../../src/core/names.ts';
import { buildTree } from '../../src/core/tree.ts';

export function git(dir: string, ...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
}

export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

async function write(dir: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), content);
}

/** The cluster.yaml of an extra cluster managed from the hub, derived from staging's or prod's. */
function extraCluster(template: string, name: string): string {
  return template
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^(\s+server: ).*$/m, `$1https://${name}.k8s.bench.internal:6443`);
}

/** Copies the cluster inputs of `root`, adding registered clusters up to `clusters` in all. */
async function writeClusters(root: string, dir: string, clusters: number): Promise<void> {
  const own = (await readdir(join(root, DIRS.clusters))).sort();
  const templates: string[] = [];
  for (const c of own) {
    const file = join(DIRS.clusters, c, FILES.clusterConfig);
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    await write(dir, file, text);
    // Clusters managed from the hub: a copy with another API URL is another valid spoke.
    if (/^environment: (staging|prod)$/m.test(text) && /^\s*managedBy:/m.test(text)) templates.push(text);
  }
  if (clusters > own.length && !templates.length) throw new Error('no staging or prod cluster.yaml to copy');
  for (let i = own.length; i < clusters; i++) {
    const name = `bench-${String(i).padStart(2, '0')}`;
    await write(
      dir,
      join(DIRS.clusters, name, FILES.clusterConfig),
      extraCluster(templates[i % templates.length]!, name),
    );
  }
}

/** A repository with `clusters` clusters (at least this repository's own), the program and the generated tree, committed. */
export async function makeRepository(root: string, clusters: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'somastack-diff-bench-'));
  await cp(join(root, 'src'), join(dir, 'src'), { recursive: true });
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await writeClusters(root, dir, clusters);
  const tree = buildTree(await loadClusters(dir), await readComponentFiles(dir));
  for (const [path, content] of tree) await write(dir, path, content);
  await write(dir, '.gitignore', '/node_modules\n/.cache/\n');
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'generated tree');
  return dir;
}

/** For each component, the first base file that pins an image: changing it is an image bump. */
export async function imageFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Only the component folders: base/ also holds a generated README.md.
  const components = (await readdir(join(dir, DIRS.base), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  for (const component of components.sort()) {
    for (const f of (await readdir(join(dir, DIRS.base, component))).sort()) {
      const path = join(DIRS.base, component, f);
      if (/^\s+image: \S+:\S+/m.test(await readFile(join(dir, path), 'utf8').catch(() => ''))) {
        out.set(component, path);
        break;
      }
    }
  }
  return out;
}

export async function bumpImage(dir: string, path: string, suffix: string): Promise<void> {
  const text = await readFile(join(dir, path), 'utf8');
  await writeFile(join(dir, path), text.replace(/(image: \S+:)(\S+)/, `$1$2-${suffix}`));
}

/** The overlay folders of a component (one per environment): what an image bump in its base changes. */
export async function overlayFolders(dir: string, component: string): Promise<string[]> {
  const envs = await readdir(join(dir, DIRS.overlays), { withFileTypes: true });
  const out: string[] = [];
  for (const e of envs.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(DIRS.overlays, e.name, component);
    if (await readdir(join(dir, folder)).catch(() => undefined)) out.push(folder);
  }
  return out;
}
