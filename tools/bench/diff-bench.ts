// `npm run bench -- --only diff`: wall time of the rendered diff on this repository's
// real generated tree, in a temporary git repository with a few commits:
//   whole repository      every Application of every cluster rendered (cold cache),
//                         base and head one component apart; target < 10 s
//   one component, warm   the next change to one component, renders of earlier runs
//                         reused from the cache folder; target < 3 s
//   one component, cold   the same change without a cache (for reference)
//   every component       every component changed, cold (worst case, for reference)
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readComponentFiles } from '../../src/adapters/component-files.ts';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { runRenderedDiff } from '../../src/commands/diff/revisions.ts';
import { runProcess } from '../../src/adapters/process.ts';
import type { Io } from '../../src/cli/types.ts';
import { renderMarkdown } from '../../src/core/diff/markdown.ts';
import { DIRS, FILES } from '../../src/core/names.ts';
import { buildTree } from '../../src/core/tree.ts';

interface Figure {
  name: string;
  seconds: number;
  targetSeconds?: number;
  renders: number;
  applications: number;
}

function git(dir: string, ...args: string[]): string {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
}

function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A repository holding this repository's cluster inputs and their generated tree. */
async function makeRepository(root: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'somastack-diff-bench-'));
  for (const c of await readdir(join(root, DIRS.clusters))) {
    const file = join(DIRS.clusters, c, FILES.clusterConfig);
    await cp(join(root, file), join(dir, file)).catch(() => undefined);
  }
  for (const [path, content] of buildTree(await loadClusters(dir), await readComponentFiles(root))) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, 'generated tree');
  return dir;
}

/** The base files of each component that pin an image, so a change is an image bump. */
async function imageFiles(dir: string): Promise<Map<string, string>> {
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

async function bumpImage(dir: string, path: string, suffix: string): Promise<void> {
  const text = await readFile(join(dir, path), 'utf8');
  await writeFile(join(dir, path), text.replace(/(image: \S+:)(\S+)/, `$1$2-${suffix}`));
}

async function measure(
  name: string,
  dir: string,
  base: string,
  head: string,
  cacheDir: string | undefined,
  target?: number,
): Promise<Figure> {
  const start = performance.now();
  const run = await runRenderedDiff(dir, { base, head, cacheDir }, { runner: runProcess });
  renderMarkdown(run.report, { limit: 65_000 });
  const seconds = (performance.now() - start) / 1000;
  const applications = run.report.clusters.reduce((n, c) => n + c.apps.length, 0);
  return { name, seconds, ...(target ? { targetSeconds: target } : {}), renders: run.stats.rendered, applications };
}

export async function runDiffBench(io: Io, opts: { json?: boolean }): Promise<number> {
  const say = (t: string) => io.stderr(`diff bench: ${t}\n`);
  say('building a temporary repository from the generated tree');
  const dir = await makeRepository(io.root);
  const cache = await mkdtemp(join(tmpdir(), 'somastack-diff-bench-cache-'));
  try {
    const files = [...(await imageFiles(dir))];
    if (files.length < 2) throw new Error('the generated tree has fewer than two components with an image to change');
    const [[first, firstFile], [second, secondFile]] = files as [[string, string], [string, string]];
    const a = git(dir, 'rev-parse', 'HEAD');
    await bumpImage(dir, firstFile, 'b1');
    const b = commitAll(dir, `bump ${first}`);
    await bumpImage(dir, secondFile, 'b2');
    const c = commitAll(dir, `bump ${second}`);
    for (const [, f] of files) await bumpImage(dir, f, 'b3');
    const d = commitAll(dir, 'bump every component');
    const figures: Figure[] = [];
    say('whole repository (cold cache)');
    figures.push(await measure('whole repository, cold cache', dir, a, b, cache, 10));
    say(`one-component change (${second}), warm cache`);
    figures.push(await measure(`one-component change (${second}), warm cache`, dir, b, c, cache, 3));
    say(`one-component change (${second}), no cache`);
    figures.push(await measure(`one-component change (${second}), no cache`, dir, b, c, undefined));
    say('every component changed, no cache');
    figures.push(await measure('every component changed, no cache', dir, c, d, undefined));
    const missed = figures.filter((f) => f.targetSeconds !== undefined && f.seconds >= f.targetSeconds);
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}`;
    if (opts.json)
      io.stdout(`${JSON.stringify({ suite: 'diff', machine, figures, targetsMet: !missed.length }, null, 2)}\n`);
    else io.stdout(formatFigures(figures, machine));
    return missed.length ? 1 : 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  }
}

function formatFigures(figures: Figure[], machine: string): string {
  const lines = [`diff (${machine})`];
  for (const f of figures) {
    const target =
      f.targetSeconds === undefined
        ? ''
        : f.seconds < f.targetSeconds
          ? `  target < ${f.targetSeconds} s: met`
          : `  target < ${f.targetSeconds} s: MISSED`;
    lines.push(
      `  ${f.name.padEnd(48)} ${f.seconds.toFixed(2).padStart(6)} s  (${f.renders} kustomize builds for ${f.applications} Applications)${target}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
