// An input generate does not recognise is an error naming the fix, never a silently dropped cluster.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listClusterNames } from '../../src/adapters/inputs.ts';
import { ConfigError } from '../../src/core/errors.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'somastack-inputs-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function put(path: string, text = 'x: 1\n'): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), text);
}

const problems = (e: unknown) => (e as ConfigError).problems.map((p) => [p.file, p.message, p.hint]);

describe('clusters/', () => {
  it('lists the folders with a cluster.yaml; a README, hidden files and the legacy generated files are fine', async () => {
    await put('clusters/a/cluster.yaml');
    await put('clusters/a/root-app.yaml');
    await put('clusters/README.md');
    await put('clusters/a/.DS_Store');
    await put('clusters/.hidden/notes.txt');
    expect(await listClusterNames(root)).toEqual(['a']);
  });

  it('a cluster.yml is an error telling to rename it, not a cluster skipped', async () => {
    await put('clusters/a/cluster.yaml');
    await put('clusters/staging/cluster.yml');
    const err = await listClusterNames(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(problems(err)).toEqual([
      [
        'clusters/staging/',
        'has no cluster.yaml, so this cluster would be skipped',
        'add clusters/staging/cluster.yaml (see docs/clusters.md)',
      ],
      [
        'clusters/staging/cluster.yml',
        'is not a file somastack reads',
        'rename it: git mv clusters/staging/cluster.yml clusters/staging/cluster.yaml',
      ],
    ]);
  });

  it('a stray file is named with where it belongs', async () => {
    await put('clusters/a/cluster.yaml');
    await put('clusters/a/notes.yaml');
    await put('clusters/loose.yaml');
    expect(problems(await listClusterNames(root).catch((e: unknown) => e))).toEqual([
      [
        'clusters/a/notes.yaml',
        'is not a file somastack reads',
        'clusters/<name>/ holds only cluster.yaml (generated files live in bootstrap/clusters/<name>/): move it elsewhere',
      ],
      [
        'clusters/loose.yaml',
        'is not a file somastack reads',
        'each cluster is a folder: clusters/<name>/cluster.yaml',
      ],
    ]);
  });
});
