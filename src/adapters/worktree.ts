// Temporary git worktrees for `npm run diff` (a revision other than the working tree),
// which never outlive the run: each is locked with the pid of the run that made it, removed
// when the run ends — normally, on an error, or on Ctrl-C (the CLI exits with 130, and the
// 'exit' hook below removes what is still open) — and a later run removes what a run killed
// outright (SIGKILL) left: a worktree whose locking process is gone.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type Runner } from './process.ts';
import { processAlive } from './tree-lock.ts';

export interface Worktree {
  /** Absolute path of the checked-out tree. */
  dir: string;
  commit: string;
  /** Removes the checkout and git's record of it; safe to call twice. */
  remove(): Promise<void>;
}

const PREFIX = 'somastack-rev-';
const REASON = 'somastack diff pid';

/** Worktrees of this process not yet removed: folder → repository. */
const open = new Map<string, string>();
let hooked = false;

/** Runs at process exit (synchronously, as 'exit' requires): removes every worktree still open. */
export function removeOpenWorktreesSync(): void {
  for (const [dir, root] of open) {
    spawnSync('git', ['worktree', 'remove', '--force', '--force', dir], { cwd: root, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' });
  }
  open.clear();
}

function track(dir: string, root: string): void {
  if (!hooked) {
    process.on('exit', removeOpenWorktreesSync);
    hooked = true;
  }
  open.set(dir, root);
}

/** Fills a worktree added without a checkout with the files under `paths`, from its own index. */
async function checkOutPaths(dir: string, paths: readonly string[], runner: Runner): Promise<void> {
  await runner('git', ['read-tree', 'HEAD'], { cwd: dir });
  const listed = await runner('git', ['ls-files', '-z', '--', ...paths], { cwd: dir });
  if (listed.stdout) await runner('git', ['checkout-index', '-z', '--stdin'], { cwd: dir, input: listed.stdout });
}

interface Listed {
  path: string;
  locked?: string;
}

function parseList(porcelain: string): Listed[] {
  return porcelain
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n');
      const path = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length) ?? '';
      const lock = lines.find((l) => l === 'locked' || l.startsWith('locked '));
      return { path, locked: lock === undefined ? undefined : lock.slice('locked'.length).trim() };
    });
}

/** A worktree an earlier run left: ours by its folder name, and its run is gone (or predates locking). */
function isLeftover(w: Listed, alive: (pid: number) => boolean): boolean {
  if (!w.path.split('/').pop()?.startsWith(PREFIX)) return false;
  if (w.locked === undefined) return true;
  const m = new RegExp(`^${REASON} (\\d+)$`).exec(w.locked);
  return !!m && !alive(Number(m[1]));
}

/** Removes the worktrees earlier runs left (killed before they could clean up); returns their folders. */
export async function pruneLeftoverWorktrees(
  root: string,
  runner: Runner = runProcess,
  alive = processAlive,
): Promise<string[]> {
  const list = await runner('git', ['worktree', 'list', '--porcelain'], { cwd: root, allowFailure: true });
  if (list.code !== 0) return [];
  const leftovers = parseList(list.stdout).filter((w) => isLeftover(w, alive));
  for (const w of leftovers) {
    await runner('git', ['worktree', 'remove', '--force', '--force', w.path], { cwd: root, allowFailure: true });
    await rm(w.path, { recursive: true, force: true });
  }
  await runner('git', ['worktree', 'prune'], { cwd: root, allowFailure: true });
  return leftovers.map((w) => w.path);
}

/**
 * Checks a commit out into a new temporary folder, detached, without running hooks,
 * leaving the working tree and index of `root` untouched. With `paths` (folders or files),
 * only the files under them are written: the rest of the commit is never read from git.
 */
export async function addWorktree(
  root: string,
  commit: string,
  runner: Runner = runProcess,
  paths?: readonly string[],
): Promise<Worktree> {
  await pruneLeftoverWorktrees(root, runner);
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  track(dir, root);
  try {
    const lock = ['--lock', '--reason', `${REASON} ${process.pid}`];
    const partial = paths ? ['--no-checkout'] : [];
    await runner(
      'git',
      ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--quiet', '--detach', ...partial, ...lock, dir, commit],
      { cwd: root },
    );
    if (paths) await checkOutPaths(dir, paths, runner);
  } catch (e) {
    open.delete(dir);
    await runner('git', ['worktree', 'remove', '--force', '--force', dir], { cwd: root, allowFailure: true });
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  let removed = false;
  return {
    dir,
    commit,
    async remove() {
      if (removed) return;
      removed = true;
      const r = await runner('git', ['worktree', 'remove', '--force', '--force', dir], {
        cwd: root,
        allowFailure: true,
      });
      if (r.code !== 0 || existsSync(dir)) {
        await rm(dir, { recursive: true, force: true });
        await runner('git', ['worktree', 'prune'], { cwd: root, allowFailure: true });
      }
      open.delete(dir);
    },
  };
}
