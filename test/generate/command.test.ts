// `npm run generate` end to end on a copy of the repository's inputs: it refuses to lose a
// file it did not write, says where --prune put it, refuses an input it does not recognise,
// and refuses to run beside another generate.
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { checkComponentObjects } from '../../src/adapters/plan-check.ts';
import { componentSourceFiles } from '../../src/core/components/index.ts';
import { LOCK_FILE } from '../../src/adapters/tree-lock.ts';
import { captureIo } from '../support/io.ts';
import { echo } from '../support/fixture-components.ts';
import { ROOT } from '../support/render-all.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'somastack-generate-'));
  await cp(join(ROOT, 'clusters'), join(root, 'clusters'), { recursive: true });
  // The files the component specs read (OPA's Rego policies), as in a checkout.
  for (const file of componentSourceFiles()) await cp(join(ROOT, file), join(root, file), { recursive: true });
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function generate(...args: string[]) {
  const io = captureIo({ root });
  const code = await main(['generate', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('npm run generate', () => {
  it('never deletes a file it did not write: exit 2 naming it, and --prune says where it went', async () => {
    expect((await generate()).code).toBe(0);
    await writeFile(join(root, 'base', 'mine.yaml'), 'kept: true\n');
    const refused = await generate();
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('base/mine.yaml');
    expect(refused.err).toContain('npm run generate -- --prune');
    const pruned = await generate('--prune');
    expect(pruned.code).toBe(0);
    const moved = /moved 1 file\(s\) generate did not write to (\.pruned\/[^/]+\/)/.exec(pruned.out);
    expect(moved, pruned.out).not.toBeNull();
    expect(await readFile(join(root, moved![1]!, 'base', 'mine.yaml'), 'utf8')).toBe('kept: true\n');
    expect(await generate('--check')).toMatchObject({ code: 0 });
    expect((await readdir(root)).filter((n) => n.startsWith('.generate-') || n === LOCK_FILE)).toEqual([]);
  });

  it('refuses clusters/<c>/cluster.yml instead of dropping that cluster, naming the fix', async () => {
    await rename(join(root, 'clusters/staging/cluster.yaml'), join(root, 'clusters/staging/cluster.yml'));
    const r = await generate();
    expect(r.code).toBe(2);
    expect(r.err).toContain('clusters/staging/cluster.yml');
    expect(r.err).toContain('rename it: git mv clusters/staging/cluster.yml clusters/staging/cluster.yaml');
    expect((await readdir(root)).sort()).toEqual(['clusters', 'src']); // nothing written
  });

  it('refuses to run beside another generate, naming its pid and the stale-lock fix', async () => {
    await writeFile(join(root, LOCK_FILE), `${process.pid}\n`);
    const r = await generate();
    expect(r.code).toBe(2);
    expect(r.err).toContain(`another generate is running (pid ${process.pid})`);
    expect(r.err).toContain(`delete ${LOCK_FILE}`);
  });

  it('finishes the write an interrupted run committed before doing its own', async () => {
    await mkdir(join(root, '.generate-old', 'new', 'base'), { recursive: true });
    await writeFile(join(root, '.generate-old', 'new', 'base', 'x.yaml'), 'x: 1\n');
    await writeFile(
      join(root, '.generate-old', 'journal.json'),
      JSON.stringify({ version: 1, writes: ['base/x.yaml'], deletes: [], prunes: [] }),
    );
    await mkdir(join(root, '.generate-never-committed'));
    // base/x.yaml is not generated and not in a manifest: the current run then refuses it.
    const r = await generate();
    expect(r.err).toContain('completed the write an interrupted generate left in .generate-old/');
    expect(r.err).toContain('removed 1 staging folder(s)');
    expect(r.err).toContain('base/x.yaml');
  });
});

describe('invalid output is never planned', () => {
  it('a quantity typo in a component is reported against its TypeScript source, per environment', async () => {
    const typo = {
      ...echo,
      build: (...args: Parameters<typeof echo.build>) =>
        JSON.parse(JSON.stringify(echo.build(...args)).replace(/"memory":"[^"]+"/, '"memory":"1GB"')),
    };
    const err = (await checkComponentObjects([typo], {}).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/nothing was written/);
    expect(err.message).toMatch(
      /src\/core\/components\/redis\.ts .*\/resources\/(limits|requests)\/memory: is '1GB'; expected .*quantity.* \(in dev, staging, prod\)/,
    );
    await expect(checkComponentObjects([echo], {})).resolves.toBeUndefined();
  });
});
