// What every suite of `npm run bench` shares: wall time of a fresh process (the way a user
// runs a command), medians, and one line per figure that shows it as a ratio to its floor
// measured in the same run, against the target ratio.
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/adapters/process.ts';

export interface Figure {
  suite: string;
  name: string;
  seconds: number;
  /** What the same result costs at least (measured in this run), and what that is. */
  floorSeconds: number;
  floor: string;
  /** The most `seconds / floorSeconds` may be; undefined for figures shown for reference. */
  targetRatio?: number;
  /** Anything worth knowing next to the figure (builds run, objects checked). */
  note?: string;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - start) / 1000, value };
}

/** The CLI entry of a checkout: what `npm run <command>` starts (npm's own start-up left out). */
export function cliEntry(root: string): string {
  return join(root, 'src', 'cli', 'bin.ts');
}

/**
 * Runs `node <args>` as its own process and returns its wall time. Exit codes 0 and 1
 * (findings, changes) are results; anything else means the command could not run.
 */
export async function timeNode(args: readonly string[], cwd: string): Promise<number> {
  const r = await timed(() => runProcess(process.execPath, args, { cwd, allowFailure: true }));
  if (r.value.code > 1)
    throw new Error(`node ${args.join(' ')} exited ${r.value.code}: ${r.value.stderr.trim().slice(-800)}`);
  return r.seconds;
}

/** Bare start-up: the CLI entry loaded and asked for its version, nothing else. */
export async function startupSeconds(root: string, runs = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timeNode([cliEntry(root), '--version'], root));
  return median(xs);
}

export function machine(): string {
  return `${availableParallelism()} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}`;
}

export function met(f: Figure): boolean {
  return f.targetRatio === undefined || f.seconds <= f.floorSeconds * f.targetRatio;
}

/** One figure as a line: seconds, floor, ratio, target. */
export function formatFigure(f: Figure): string {
  const ratio = f.seconds / f.floorSeconds;
  const target = f.targetRatio === undefined ? '' : `  target ≤ ${f.targetRatio}×: ${met(f) ? 'met' : 'MISSED'}`;
  const note = f.note ? `  (${f.note})` : '';
  return `  ${f.name.padEnd(44)} ${f.seconds.toFixed(2).padStart(6)} s  vs ${f.floor} ${f.floorSeconds.toFixed(2)} s  = ${ratio.toFixed(2)}×${target}${note}`;
}
