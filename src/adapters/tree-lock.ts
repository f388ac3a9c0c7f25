// One generate at a time per repository: `.generate.lock` holds the pid of the run that
// writes. A second run refuses, naming that pid; a lock whose process is gone (a run that
// was killed) is taken over.
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.ts';

export const LOCK_FILE = '.generate.lock';

export interface GenerateLock {
  /** Set when the lock of a dead process was taken over: that pid. */
  tookOverFrom?: number;
  release(): Promise<void>;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function create(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

const readPid = async (path: string): Promise<number | undefined> => {
  const n = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

function refuse(pid: number | undefined): UserError {
  const who = pid === undefined ? '' : ` (pid ${pid})`;
  return new UserError(
    `another generate is running${who}`,
    `wait for it to finish; if none is running, delete ${LOCK_FILE} and run again`,
  );
}

/**
 * Removes the lock at process exit if this process still holds it: Ctrl-C (the CLI exits
 * with 130) then leaves no lock for the next run to take over.
 */
function releaseAtExit(path: string): () => void {
  const hook = () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', hook);
  return () => process.off('exit', hook);
}

export async function acquireGenerateLock(
  root: string,
  alive: (pid: number) => boolean = processAlive,
): Promise<GenerateLock> {
  const path = join(root, LOCK_FILE);
  let unhook = () => {};
  const release = async () => {
    unhook();
    await unlink(path).catch(() => undefined);
  };
  const held = (tookOverFrom?: number): GenerateLock => {
    unhook = releaseAtExit(path);
    return tookOverFrom === undefined ? { release } : { tookOverFrom, release };
  };
  if (await create(path)) return held();
  const pid = await readPid(path);
  // A lock being written this instant has no pid yet: treat it as held.
  if (pid === undefined || alive(pid)) throw refuse(pid);
  // Stale: re-read just before removing, so a lock another run took over meanwhile is kept.
  if ((await readPid(path)) !== pid) throw refuse(await readPid(path));
  await unlink(path).catch(() => undefined);
  if (!(await create(path))) throw refuse(await readPid(path));
  return held(pid);
}
