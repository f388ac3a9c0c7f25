// `npm run bench -- --only files`: `validate --files` the way a user runs it (a fresh
// process: files in, findings out) on a synthetic corpus of 1,000 and 10,000 compliant
// objects, against the same objects' schema check alone (schema-floor.ts, also a fresh
// process). Target at 10,000 objects: within 2× of the floor.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/cli/types.ts';
import { toYamlStream } from '../../src/core/yaml.ts';
import { cliEntry, type Figure, median, timeNode } from './measure.ts';
import { buildCorpus } from './validate-corpus.ts';

export const FILES_SIZES = [1_000, 10_000] as const;
const RUNS = 3;
const TARGET = 2;
const TARGET_FROM = 10_000;

export async function runFilesBench(io: Io, opts: { sizes?: readonly number[] } = {}): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'somastack-files-bench-'));
  const floorProgram = join(io.root, 'tools', 'bench', 'schema-floor.ts');
  const figures: Figure[] = [];
  try {
    for (const n of opts.sizes ?? FILES_SIZES) {
      io.stderr(`bench files: validate --files on ${n.toLocaleString('en-US')} objects…\n`);
      const file = join(dir, `corpus-${n}.yaml`);
      await writeFile(file, toYamlStream(buildCorpus(n)));
      const user: number[] = [];
      const floor: number[] = [];
      // Alternated, so that a burst of load on the machine hits both alike.
      for (let i = 0; i < RUNS; i++) {
        user.push(await timeNode([cliEntry(io.root), 'validate', '--files', file, '--json'], dir));
        floor.push(await timeNode([floorProgram, file], dir));
      }
      figures.push({
        suite: 'files',
        name: `validate --files, ${n.toLocaleString('en-US')} objects`,
        seconds: median(user),
        floorSeconds: median(floor),
        floor: 'schema check alone',
        ...(n >= TARGET_FROM ? { targetRatio: TARGET } : {}),
      });
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
