// Reading a revision from git's objects: the ids `git ls-tree` lists and the texts one
// `git cat-file --batch` returns, framed by byte counts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobId, listTree, readBlobs } from '../../src/adapters/git.ts';
import { runProcess, type Runner } from '../../src/adapters/process.ts';
import { commitTree, workingTree } from '../../src/adapters/tree-revision.ts';
import { commit, git } from './repo.ts';
import { tempDir } from '../support/temp.ts';

let repo: string;
let sha: string;
const files: Record<string, Buffer> = {
  'a/plain.yaml': Buffer.from('name: a\n'),
  'a/accents.yaml': Buffer.from('city: Zürich — café\n'),
  'b/not-utf8.bin': Buffer.from([0xff, 0xfe, 0x00, 0x41]),
  'c/after.txt': Buffer.from('read after the binary one\n'),
};

beforeAll(() => {
  repo = tempDir('somastack-git-objects-');
  git(repo, 'init', '-q', '-b', 'main');
  for (const [p, b] of Object.entries(files)) {
    mkdirSync(join(repo, p.split('/')[0]!), { recursive: true });
    writeFileSync(join(repo, p), b);
  }
  sha = commit(repo, 'files');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('git objects', () => {
  it('ls-tree lists every file with the id git gives its content', async () => {
    const ids = await listTree(repo, sha);
    expect([...ids.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [p, b] of Object.entries(files)) expect(ids.get(p)).toBe(blobId(b));
  });

  it('cat-file texts, multi-byte characters included; a blob that is not UTF-8 does not shift the others', async () => {
    const ids = await listTree(repo, sha);
    const order = ['a/accents.yaml', 'b/not-utf8.bin', 'c/after.txt', 'a/plain.yaml'].map((p) => ids.get(p)!);
    const texts = await readBlobs(repo, order);
    expect(texts.get(ids.get('a/accents.yaml')!)).toBe('city: Zürich — café\n');
    expect(texts.get(ids.get('c/after.txt')!)).toBe('read after the binary one\n');
    expect(texts.get(ids.get('a/plain.yaml')!)).toBe('name: a\n');
  });

  it('a commit reads what it shares with the working tree from disk, the rest from git in one process', async () => {
    writeFileSync(join(repo, 'a/plain.yaml'), 'name: changed\n');
    try {
      const calls: string[] = [];
      const runner: Runner = (c, a, o) => {
        calls.push(`${c} ${a.join(' ')}`);
        return runProcess(c, a, o);
      };
      const ids = await listTree(repo, sha);
      const head = await workingTree(repo, ids, ['a/plain.yaml']);
      expect(head.ids.get('a/plain.yaml')).toBe(blobId(Buffer.from('name: changed\n')));
      const base = await commitTree(repo, 'main', sha, runner, { ids, twin: head });
      const [plain, accents] = await Promise.all([base.read('a/plain.yaml'), base.read('a/accents.yaml')]);
      expect(plain).toBe('name: a\n');
      expect(accents).toBe('city: Zürich — café\n');
      expect(calls.filter((c) => c.startsWith('git cat-file'))).toEqual(['git cat-file --batch']);
    } finally {
      git(repo, 'checkout', '-q', '--', '.');
    }
  });
});
