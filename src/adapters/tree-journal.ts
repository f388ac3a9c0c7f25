// Writes the generated tree so that a run killed at any instant (SIGKILL included) leaves
// either the old tree or a state the next run finishes, and never a missing folder:
//   1. every new file is written to a staging folder `.generate-<id>/new/` (same filesystem);
//   2. the journal (what to rename, move aside and delete) is written and renamed into place:
//      that rename is the commit point;
//   3. each file is renamed over its target (atomic per file), files moved aside go to
//      `.pruned/<stamp>/`, files no longer generated are deleted;
//   4. the journal is removed, then the staging folder.
// Every step of 3 is idempotent, so a run that finds a journal replays it (roll forward);
// a staging folder without a journal was never committed and is removed (roll back).
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.ts';

export const STAGING_PREFIX = '.generate-';
export const PRUNED_DIR = '.pruned';
const JOURNAL = 'journal.json';

interface Journal {
  version: 1;
  /** Repository-relative paths whose new content is staged under new/. */
  writes: string[];
  /** Owned files no longer generated. */
  deletes: string[];
  /** Files generate does not own, moved aside on request: from → to (both repository-relative). */
  prunes: { from: string; to: string }[];
}

export interface WriteRequest {
  /** Planned files to write (path → content): only the ones that differ need to be given. */
  writes: ReadonlyMap<string, string>;
  deletes: readonly string[];
  /** Foreign files to move aside into `.pruned/<pruneStamp>/`. */
  prunes?: readonly string[];
  pruneStamp?: string;
}

export interface WriteHooks {
  /**
   * Called between steps with a step name. A test that throws here sees exactly the state a
   * SIGKILL at that instant leaves (the writer never cleans up after itself in-process).
   */
  step?: (name: string) => void;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function stage(root: string, req: WriteRequest, hooks: WriteHooks): Promise<{ dir: string; journal: Journal }> {
  const dir = await mkdtemp(join(root, STAGING_PREFIX));
  hooks.step?.('staging-created');
  for (const [path, content] of req.writes) {
    await mkdir(dirname(join(dir, 'new', path)), { recursive: true });
    await writeFile(join(dir, 'new', path), content);
  }
  hooks.step?.('staged');
  const stamp = req.pruneStamp ?? new Date().toISOString().replace(/[:.]/g, '-');
  const prunes = (req.prunes ?? []).map((from) => ({ from, to: `${PRUNED_DIR}/${stamp}/${from}` }));
  const journal: Journal = { version: 1, writes: [...req.writes.keys()], deletes: [...req.deletes], prunes };
  await writeFile(join(dir, `${JOURNAL}.tmp`), JSON.stringify(journal));
  hooks.step?.('journal-written');
  await rename(join(dir, `${JOURNAL}.tmp`), join(dir, JOURNAL));
  hooks.step?.('committed');
  return { dir, journal };
}

/** Removes the now-empty folders a deleted or moved file leaves, up to the repository root. */
async function removeEmptyParents(root: string, path: string): Promise<void> {
  for (let d = dirname(path); d !== '.' && d !== ''; d = dirname(d)) {
    if ((await readdir(join(root, d)).catch(() => ['?'])).length) return;
    await rmdir(join(root, d)).catch(() => undefined);
  }
}

/** Replays a committed journal. Idempotent: a step already done is skipped. */
async function apply(root: string, dir: string, j: Journal, hooks: WriteHooks): Promise<void> {
  // Moves first: a foreign file may sit where a planned file is about to go.
  for (const p of j.prunes) {
    // Done already when the target exists; the source path may by now hold the generated file.
    if ((await exists(join(root, p.to))) || !(await exists(join(root, p.from)))) continue;
    await mkdir(dirname(join(root, p.to)), { recursive: true });
    await rename(join(root, p.from), join(root, p.to));
    await removeEmptyParents(root, p.from);
    hooks.step?.(`pruned ${p.from}`);
  }
  for (const path of j.writes) {
    if (!(await exists(join(dir, 'new', path)))) continue;
    await mkdir(dirname(join(root, path)), { recursive: true });
    await rename(join(dir, 'new', path), join(root, path));
    hooks.step?.(`wrote ${path}`);
  }
  for (const path of j.deletes) {
    await rm(join(root, path), { force: true });
    await removeEmptyParents(root, path);
    hooks.step?.(`deleted ${path}`);
  }
  await rm(join(dir, JOURNAL), { force: true });
  hooks.step?.('journal-removed');
  await rm(dir, { recursive: true, force: true });
}

/** Writes, moves aside and deletes as one journaled change. Call under the generate lock. */
export async function writeTreeJournaled(root: string, req: WriteRequest, hooks: WriteHooks = {}): Promise<void> {
  const { dir, journal } = await stage(root, req, hooks);
  await apply(root, dir, journal, hooks);
}

export interface Recovery {
  /** Interrupted writes that were committed and have now been completed. */
  completed: string[];
  /** Staging folders of runs interrupted before their commit point, removed. */
  removed: string[];
}

function parseJournal(text: string, file: string): Journal {
  try {
    const j = JSON.parse(text) as Journal;
    if (j.version === 1 && Array.isArray(j.writes) && Array.isArray(j.deletes) && Array.isArray(j.prunes)) return j;
  } catch {
    // fall through to the error below
  }
  throw new UserError(
    `${file} is not a journal this version of generate can replay`,
    `delete the ${dirname(file)}/ folder and run \`npm run generate\` again`,
  );
}

const stagingDirs = async (root: string) =>
  (await readdir(root, { withFileTypes: true }))
    .filter((x) => x.isDirectory() && x.name.startsWith(STAGING_PREFIX))
    .map((x) => x.name)
    .sort();

/** Staging folders holding a committed journal: a write that was interrupted and the next generate finishes. */
export async function pendingWrites(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await stagingDirs(root)) if (await exists(join(root, name, JOURNAL))) out.push(name);
  return out;
}

/** Finishes or rolls back what an interrupted generate left. Call under the generate lock. */
export async function recoverInterruptedWrites(root: string): Promise<Recovery> {
  const result: Recovery = { completed: [], removed: [] };
  for (const name of await stagingDirs(root)) {
    const dir = join(root, name);
    const text = await readFile(join(dir, JOURNAL), 'utf8').catch(() => undefined);
    if (text === undefined) {
      await rm(dir, { recursive: true, force: true });
      result.removed.push(name);
      continue;
    }
    await apply(root, dir, parseJournal(text, `${name}/${JOURNAL}`), {});
    result.completed.push(name);
  }
  return result;
}
