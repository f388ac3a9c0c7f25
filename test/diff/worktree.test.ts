// Temporary worktrees never outlive `npm run diff`: removed on Ctrl-C, and what a killed run
// left is removed by the next one.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addWorktree, pruneLeftoverWorktrees } from '../../src/adapters/worktree.ts';
import { git } from './repo.ts';
import { tempDir } from '../support/temp.ts';

let repo: string;
const cleanup: string[] = [];
beforeEach(() => {
  repo = tempDir('somastack-wt-repo-');
  cleanup.push(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'one');
});
afterEach(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

const worktrees = () =>
  git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree ')).length;

/** A worktree as a run killed outright leaves it: registered, its folder there. */
function leftover(reason?: string): string {
  const dir = tempDir('somastack-rev-');
  cleanup.push(dir);
  rmSync(dir, { recursive: true });
  git(repo, 'worktree', 'add', '--quiet', '--detach', ...(reason ? ['--lock', '--reason', reason] : []), dir, 'HEAD');
  return dir;
}

describe('diff worktrees', () => {
  it('are locked with the pid of their run and removed without a trace', async () => {
    const w = await addWorktree(repo, 'HEAD');
    expect(git(repo, 'worktree', 'list', '--porcelain')).toContain(`locked somastack diff pid ${process.pid}`);
    await w.remove();
    expect(worktrees()).toBe(1);
    expect(existsSync(w.dir)).toBe(false);
  });

  it('hold only the files under the paths asked for, and are removed without a trace all the same', async () => {
    for (const f of ['keep/x.yaml', 'keep/deep/y.yaml', 'also.txt', 'skip/z.yaml']) {
      mkdirSync(dirname(join(repo, f)), { recursive: true });
      writeFileSync(join(repo, f), `${f}\n`);
    }
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'two');
    const w = await addWorktree(repo, 'HEAD', undefined, ['keep', 'also.txt', 'absent']);
    expect(readFileSync(join(w.dir, 'keep/deep/y.yaml'), 'utf8')).toBe('keep/deep/y.yaml\n');
    expect([join(w.dir, 'keep/x.yaml'), join(w.dir, 'also.txt')].map(existsSync)).toEqual([true, true]);
    expect([join(w.dir, 'skip'), join(w.dir, 'a.txt')].map(existsSync)).toEqual([false, false]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    await w.remove();
    expect(worktrees()).toBe(1);
    expect(existsSync(w.dir)).toBe(false);
  });

  it('left by a killed run are removed by the next run; a live run’s and other worktrees are kept', async () => {
    const dead = leftover('somastack diff pid 999999');
    const old = leftover();
    const live = leftover(`somastack diff pid ${process.pid}`);
    const mine = join(repo, '..', `${repo.split('/').pop()}-mine`);
    cleanup.push(mine);
    git(repo, 'worktree', 'add', '--quiet', '--detach', mine, 'HEAD');
    const removed = await pruneLeftoverWorktrees(repo, undefined, (pid) => pid === process.pid);
    expect(removed.sort()).toEqual([dead, old].sort());
    expect([dead, old].map(existsSync)).toEqual([false, false]);
    expect([live, mine].map(existsSync)).toEqual([true, true]);
    expect(worktrees()).toBe(3);
  });

  it('are removed when the run is interrupted (SIGINT, as Ctrl-C)', async () => {
    const script = `
      const { addWorktree } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/adapters/worktree.ts'))});
      process.once('SIGINT', () => process.exit(130));
      const w = await addWorktree(${JSON.stringify(repo)}, 'HEAD');
      process.stdout.write(w.dir + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const dir = await new Promise<string>((resolve) =>
      child.stdout.once('data', (b: Buffer) => resolve(b.toString().trim())),
    );
    cleanup.push(dir);
    expect(existsSync(dir)).toBe(true);
    const code = await new Promise<number | null>((resolve) => {
      child.once('close', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
    expect(existsSync(dir)).toBe(false);
    expect(worktrees()).toBe(1);
  });
});
