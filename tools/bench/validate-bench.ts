// `npm run bench -- --only validate`: the wall time of `npm run validate` (a fresh process:
// inputs, freshness, parallel render, checks, budget) against rendering the same overlays
// one after another with bare kustomize; target: not slower.
import { join } from 'node:path';
import { loadClusters } from '../../src/adapters/inputs.ts';
import { findKustomize } from '../../src/adapters/kustomize.ts';
import { runProcess } from '../../src/adapters/process.ts';
import { listApplications } from '../../src/adapters/render.ts';
import type { Io } from '../../src/cli/types.ts';
import { cliEntry, type Figure, median, timed, timeNode } from './measure.ts';

const RUNS = 3;

/** The distinct local overlays every cluster's Applications render (what validate renders). */
async function overlayPaths(root: string): Promise<string[]> {
  const paths = new Set<string>();
  for (const c of await loadClusters(root))
    for (const a of await listApplications(root, c)) if (!a.remote) paths.add(a.path);
  return [...paths].sort();
}

export async function runValidateBench(io: Io): Promise<Figure[]> {
  io.stderr('bench validate: full validate vs sequential kustomize…\n');
  const paths = await overlayPaths(io.root);
  const tool = await findKustomize();
  const sequential: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const bare = await timed(async () => {
      for (const p of paths) await runProcess(tool.command, [...tool.prefix, join(io.root, p)]);
    });
    sequential.push(bare.seconds);
    full.push(await timeNode([cliEntry(io.root), 'validate', '--json'], io.root));
  }
  return [
    {
      suite: 'validate',
      name: 'npm run validate (whole repository)',
      seconds: median(full),
      floorSeconds: median(sequential),
      floor: `${paths.length} bare kustomize builds in a row`,
      targetRatio: 1,
    },
  ];
}
