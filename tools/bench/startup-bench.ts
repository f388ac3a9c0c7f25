// `npm run bench -- --only startup`: what a user waits for before any work starts. The
// global --help and one command's --help against bare start-up (the CLI entry asked for
// its version), each a fresh process. Help loads the command table and the one command
// it describes, never a command's run module or the adapters.
import type { Io } from '../../src/cli/types.ts';
import { cliEntry, type Figure, median, startupSeconds, timeNode } from './measure.ts';

const RUNS = 5;
const HELP_TARGET = 1.5;

async function medianOf(args: readonly string[], root: string): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await timeNode(args, root));
  return median(xs);
}

export async function runStartupBench(io: Io): Promise<Figure[]> {
  io.stderr('bench startup: --version, --help, validate --help…\n');
  const floorSeconds = await startupSeconds(io.root, RUNS);
  const bareNode = await medianOf(['-e', ''], io.root);
  const floor = 'bare start-up (--version)';
  const entry = cliEntry(io.root);
  return [
    { suite: 'startup', name: 'bare Node, no code (reference)', seconds: bareNode, floorSeconds, floor },
    {
      suite: 'startup',
      name: 'global --help',
      seconds: await medianOf([entry, '--help'], io.root),
      floorSeconds,
      floor,
      targetRatio: HELP_TARGET,
    },
    {
      suite: 'startup',
      name: 'validate --help',
      seconds: await medianOf([entry, 'validate', '--help'], io.root),
      floorSeconds,
      floor,
      targetRatio: HELP_TARGET,
    },
  ];
}
