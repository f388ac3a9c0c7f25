// Temporary git repositories holding a generated tree, for rendering revisions for real
// (git worktrees + kustomize) in tests and the benchmark.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { SOURCE_FILES } from '../support/context.ts';
import { buildTree } from '../../src/core/tree.ts';
import { tempDir } from '../support/temp.ts';

export function clusterYaml(name: string, environment: string, components: string[]): string {
  return [
    `name: ${name}`,
    `environment: ${environment}`,
    'destination:',
    '  server: https://kubernetes.default.svc',
    'repository:',
    '  url: https://github.com/example/somastack.git',
    '  revision: main',
    `components: [${components.join(', ')}]`,
    '',
  ].join('\n');
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
}

/** A new repository with the given cluster.yaml files and their generated tree, committed. */
export async function makeRepo(clusters: Record<string, string>): Promise<string> {
  const dir = tempDir('somastack-diff-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, '.gitignore'), '/.cache/\n');
  await setClusters(dir, clusters);
  commit(dir, 'initial tree');
  return dir;
}

/** Rewrites the cluster.yaml files and regenerates the tree (what `npm run generate` writes). */
export async function setClusters(dir: string, clusters: Record<string, string>): Promise<void> {
  for (const d of ['base', 'overlays', 'apps', 'bootstrap', 'clusters'])
    rmSync(join(dir, d), { recursive: true, force: true });
  for (const [name, yaml] of Object.entries(clusters)) write(dir, `clusters/${name}/cluster.yaml`, yaml);
  // The component source files the generator reads (OPA's Rego), as in this repository.
  for (const [path, content] of Object.entries(SOURCE_FILES)) write(dir, path, content);
  for (const [path, content] of buildTree(await loadClusters(dir), SOURCE_FILES)) write(dir, path, content);
}

export function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

export function edit(dir: string, path: string, change: (text: string) => string): void {
  const before = readFileSync(join(dir, path), 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(join(dir, path), after);
}

export function commit(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/** Bumps the tag of the first image in a generated file. */
export function bumpImage(text: string): string {
  return text.replace(/(image: [^\s:]+:)([^\s]+)/, (_, repo: string, tag: string) => `${repo}${tag}-bumped`);
}
