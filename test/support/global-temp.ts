// vitest globalSetup: the whole run gets its own temp folder (TMPDIR, inherited by the test
// workers and every program they start), removed at the end, so folders that code under test
// makes (render copies, worktrees, kubeconfigs) cannot pile up in the system's temp folder.
// It says how many were left there, so a test that forgets to clean up is visible.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'somastack-tests-'));
  process.env.TMPDIR = dir;
  return () => {
    // Node keeps its module compile cache in the temp folder: not a test's leftover.
    const left = readdirSync(dir).filter((n) => n !== 'node-compile-cache');
    if (left.length)
      process.stderr.write(
        `tests left ${left.length} temporary folder(s) (removed): ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}\n`,
      );
    rmSync(dir, { recursive: true, force: true });
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
  };
}
