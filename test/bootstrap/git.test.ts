import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithHead, headCommit, listRemotes, normalizeRepoUrl, remoteRevisionCommit, uncommittedPaths } from '../../src/adapters/git.ts';
import { tempDir } from '../support/temp.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

/** A bare "origin" and a clone of it with one pushed commit. */
function repoPair() {
  const base = tempDir('git-');
  const origin = join(base, 'origin.git');
  git(base, 'init', '--bare', origin);
  const work = join(base, 'work');
  git(base, 'clone', '-q', origin, work);
  git(work, 'checkout', '-q', '-b', 'main');
  writeFileSync(join(work, 'a.txt'), '1');
  git(work, 'add', 'a.txt');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'push', '-q', 'origin', 'main');
  return { base, origin, work };
}

describe('git adapter on a real repository', () => {
  it('lists remotes and the HEAD commit', async () => {
    const { origin, work } = repoPair();
    expect(await listRemotes(work)).toEqual([{ name: 'origin', url: origin }]);
    expect(await headCommit(work)).toBe(git(work, 'rev-parse', 'HEAD'));
  });

  it('resolves the remote branch and sees a local commit that is not pushed', async () => {
    const { work } = repoPair();
    const pushed = git(work, 'rev-parse', 'HEAD');
    writeFileSync(join(work, 'a.txt'), '2');
    git(work, 'commit', '-q', '-am', 'two');
    const remote = await remoteRevisionCommit(work, 'origin', 'main');
    expect(remote).toEqual({ commit: pushed, source: 'remote' });
    expect(await compareWithHead(work, remote!.commit)).toEqual({ ahead: 1, behind: 0 });
  });

  it('answers undefined for a branch the remote does not have, and for a commit it has never seen', async () => {
    const { work } = repoPair();
    expect(await remoteRevisionCommit(work, 'origin', 'nope')).toBeUndefined();
    expect(await compareWithHead(work, 'f'.repeat(40))).toBeUndefined();
  });

  it('falls back to the remote-tracking ref when the remote cannot be reached', async () => {
    const { work } = repoPair();
    git(work, 'fetch', '-q', 'origin');
    git(work, 'remote', 'set-url', 'origin', join(work, 'gone.git'));
    expect(await remoteRevisionCommit(work, 'origin', 'main')).toEqual({ commit: git(work, 'rev-parse', 'origin/main'), source: 'tracking-ref' });
  });

  it('lists uncommitted paths under the given folders only', async () => {
    const { work } = repoPair();
    writeFileSync(join(work, 'a.txt'), 'changed');
    writeFileSync(join(work, 'b.txt'), 'new');
    expect(await uncommittedPaths(work, ['a.txt'])).toEqual(['a.txt']);
    expect((await uncommittedPaths(work, ['.'])).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('answers undefined and empty outside a repository', async () => {
    const dir = tempDir('nogit-');
    expect(await headCommit(dir)).toBeUndefined();
    expect(await listRemotes(dir)).toEqual([]);
  });
});

describe('normalizeRepoUrl', () => {
  it.each([
    ['https://github.com/somatechlat/somastack.git', 'https://github.com/somatechlat/somastack'],
    ['https://GitHub.com/somatechlat/somastack/', 'https://github.com/somatechlat/somastack'],
    ['git@github.com:somatechlat/somastack.git', 'https://github.com/somatechlat/somastack'],
    ['ssh://git@github.com/somatechlat/somastack.git', 'https://github.com/somatechlat/somastack'],
    ['https://user:token@github.com/somatechlat/somastack', 'https://github.com/somatechlat/somastack'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeRepoUrl(input)).toBe(expected);
  });
});
