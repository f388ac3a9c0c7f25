// `npm run bench -- --only diff`: `npm run diff` the way a pull request runs it — a fresh
// process, the head checked out in the work tree, the base a commit, renders of earlier
// runs in .cache/render — in temporary repositories of 3, 12 and 48 clusters.
//   one-component change  an image bump in one component's base, against the floor: the
//                         kustomize builds of exactly the folders it changes, one after
//                         another, plus bare start-up; target ≤ 1.5×
//   no change, warm       `diff --base HEAD` on a clean work tree with every render cached,
//                         against bare start-up; target ≤ 2×
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findKustomize } from '../../src/adapters/kustomize.ts';
import { runProcess } from '../../src/adapters/process.ts';
import type { Io } from '../../src/cli/types.ts';
import { bumpImage, commitAll, git, imageFiles, makeRepository, overlayFolders } from './diff-repo.ts';
import { cliEntry, type Figure, median, startupSeconds, timed, timeNode } from './measure.ts';

export const DIFF_SIZES = [3, 12, 48] as const;
/** A warm diff and bare start-up are a fifth of a second each: sampled more, alternately, so one stall does not decide the ratio. */
const WARM_SAMPLES = 3;
const RUNS = 3;
const CHANGE_TARGET = 1.5;
const WARM_TARGET = 2;

/** The folders built one after another with bare kustomize: the least any diff of this change does. */
async function buildFolders(dir: string, folders: readonly string[]): Promise<number> {
  const tool = await findKustomize();
  const r = await timed(async () => {
    for (const f of folders) await runProcess(tool.command, [...tool.prefix, join(dir, f)]);
  });
  return r.seconds;
}

/** `npm run diff` against `base`, the head being what is checked out. */
function diff(dir: string, base: string): Promise<number> {
  return timeNode([cliEntry(dir), 'diff', '--base', base, '--format', 'json'], dir);
}

async function measureSize(io: Io, clusters: number): Promise<Figure[]> {
  const say = (t: string) => io.stderr(`bench diff (${clusters} clusters): ${t}\n`);
  say('building a temporary repository');
  const dir = await makeRepository(io.root, clusters);
  try {
    const [component, file] = [...(await imageFiles(dir))][0] ?? [];
    if (!component || !file) throw new Error('the generated tree has no component with an image to change');
    const folders = await overlayFolders(dir, component);
    let base = git(dir, 'rev-parse', 'HEAD');
    say('priming the render cache (a cold diff)');
    await bumpImage(dir, file, 'prime');
    const primed = commitAll(dir, `bump ${component}`);
    await diff(dir, base);
    base = primed;
    const change: number[] = [];
    const floor: number[] = [];
    const warm: number[] = [];
    const startup: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      say(`one-component change (${component}), run ${i + 1} of ${RUNS}`);
      await bumpImage(dir, file, `r${i}`);
      const head = commitAll(dir, `bump ${component} again`);
      change.push(await diff(dir, base));
      floor.push(await buildFolders(dir, folders));
      for (let j = 0; j < WARM_SAMPLES; j++) {
        startup.push(await startupSeconds(dir, 1));
        warm.push(await diff(dir, 'HEAD'));
      }
      base = head;
    }
    const s = median(startup);
    const name = (what: string) => `${what}, ${clusters} clusters`;
    return [
      {
        suite: 'diff',
        name: name(`one-component change (${component})`),
        seconds: median(change),
        floorSeconds: median(floor) + s,
        floor: `${folders.length} kustomize builds + start-up`,
        targetRatio: CHANGE_TARGET,
      },
      {
        suite: 'diff',
        name: name('no change, warm cache'),
        seconds: median(warm),
        floorSeconds: s,
        floor: 'bare start-up',
        targetRatio: WARM_TARGET,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runDiffBench(io: Io, opts: { sizes?: readonly number[] } = {}): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of opts.sizes ?? DIFF_SIZES) figures.push(...(await measureSize(io, n)));
  return figures;
}
