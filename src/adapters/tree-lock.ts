// One generate at a time per repository: `.generate.lock` holds the pid of the run that
// writes. A second run refuses, naming that pid; a lock whose process is gone (a run that
// was killed) is taken over.
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
  return new UserError(`another generate is running${who}`, `wait for it to finish; if none is running, delete ${LOCK_FILE} and run again`);
}

export async function acquireGenerateLock(root: string, alive: (pid: number) => boolean = processAlive): Promise<GenerateLock> {
  const path = join(root, LOCK_FILE);
  const release = () => unlink(path).catch(() => undefined);
  if (await create(path)) return { release };
  const pid = await readPid(path);
  // A lock being written this instant has no pid yet: treat it as held.
  if (pid === undefined || alive(pid)) throw refuse(pid);
  // Stale: re-read just before removing, so a lock another run took over meanwhile is kept.
  if ((await readPid(path)) !== pid) throw refuse(await readPid(path));
  await unlink(path).catch(() => undefined);
  if (!(await create(path))) throw refuse(await readPid(path));
  return { tookOverFrom: pid, release };
}
