import { compareTree, isClean, type TreeComparison, writeTree } from '../adapters/tree.ts';
import { acquireGenerateLock, LOCK_FILE } from '../adapters/tree-lock.ts';
import { PRUNED_DIR, pendingWrites, recoverInterruptedWrites } from '../adapters/tree-journal.ts';
import { readComponentFiles } from '../adapters/component-files.ts';
import { loadClusters } from '../adapters/inputs.ts';
import { checkComponentObjects } from '../adapters/plan-check.ts';
import type { ClusterConfig } from '../core/cluster-config.ts';
import { COMPONENTS } from '../core/components/index.ts';
import { buildTree } from '../core/tree.ts';
import { bool, type Command, type Io, type OptionValues } from '../cli/types.ts';

function formatComparison(c: TreeComparison): string {
  const rows = [
    ...c.stale.map((p) => `  stale    ${p}`),
    ...c.missing.map((p) => `  missing  ${p}`),
    ...c.extra.map((p) => `  extra    ${p}`),
    ...c.foreign.map((p) => `  foreign  ${p}`),
  ];
  return rows.join('\n');
}

/** Finishes or rolls back what an interrupted run left, and says so. */
async function recover(io: Io): Promise<void> {
  const r = await recoverInterruptedWrites(io.root);
  for (const d of r.completed) io.stderr(`completed the write an interrupted generate left in ${d}/\n`);
  if (r.removed.length)
    io.stderr(
      `removed ${r.removed.length} staging folder(s) of interrupted generate runs (nothing had been written from them)\n`,
    );
}

/** The inputs and the plan, checked: nothing invalid gets as far as the tree. */
async function plan(io: Io): Promise<{ clusters: ClusterConfig[]; files: Map<string, string> }> {
  const clusters = await loadClusters(io.root);
  const sources = await readComponentFiles(io.root);
  await checkComponentObjects(COMPONENTS, sources);
  return { clusters, files: buildTree(clusters, sources) };
}

async function check(io: Io, json: boolean): Promise<number> {
  const { files } = await plan(io);
  const before = await compareTree(io.root, files);
  const interrupted = await pendingWrites(io.root);
  const clean = isClean(before) && !interrupted.length;
  const note = interrupted.length ? `an interrupted generate left ${interrupted.join(', ')}/ half applied\n` : '';
  if (json) io.stdout(`${JSON.stringify({ upToDate: clean, files: files.size, ...before, interrupted }, null, 2)}\n`);
  else if (clean) io.stdout(`generated tree is up to date (${files.size} files)\n`);
  else
    io.stdout(
      `generated tree is out of date:\n${note}${formatComparison(before)}\nfix: run \`npm run generate\` and commit the result\n`,
    );
  return clean ? 0 : 1;
}

async function write(io: Io, values: OptionValues): Promise<number> {
  const json = bool(values, 'json');
  await recover(io);
  const { clusters, files } = await plan(io);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const before = await writeTree(io.root, files, { prune: bool(values, 'prune'), pruneStamp: stamp });
  const changed = before.stale.length + before.missing.length + before.extra.length + before.foreign.length;
  const prunedTo = before.foreign.length ? `${PRUNED_DIR}/${stamp}/` : undefined;
  if (json) io.stdout(`${JSON.stringify({ written: changed > 0, files: files.size, ...before, prunedTo }, null, 2)}\n`);
  else if (changed)
    io.stdout(`generated ${files.size} files for ${clusters.length} clusters; changed:\n${formatComparison(before)}\n`);
  else
    io.stdout(
      `generated tree already up to date (${files.size} files, ${clusters.length} clusters); nothing written\n`,
    );
  if (prunedTo && !json)
    io.stdout(
      `moved ${before.foreign.length} file(s) generate did not write to ${prunedTo} (git-ignored; delete it when you no longer need them)\n`,
    );
  return 0;
}

export const command: Command = {
  name: 'generate',
  summary: 'write base/, overlays/, apps/ and bootstrap/ from the TypeScript source and clusters/*/cluster.yaml',
  usage: '[--check] [--prune] [--json]',
  description: `
Validates every clusters/<name>/cluster.yaml, builds the whole generated tree in memory,
then writes it as one journaled change: new files are staged first, and a run killed at
any instant is completed or rolled back by the next one, so the tree is never half
written. Running it twice changes nothing. One run at a time (.generate.lock).

A file in a generated folder that generate did not write (not in .generated-files) is
never deleted: generate lists it and exits 2; --prune moves it to .pruned/<time>/.

--check writes nothing: it lists stale, missing, extra and foreign files and exits 1
when there are any (what CI and \`npm run validate\` run).

Exit codes: 0 up to date / written, 1 --check found differences, 2 bad input or error.
See docs/architecture.md.`,
  options: {
    check: {
      type: 'boolean',
      description: 'write nothing; list stale, missing, extra and foreign files, exit 1 when any',
    },
    prune: {
      type: 'boolean',
      description: 'move files generate did not write out of the generated folders into .pruned/<time>/',
    },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ values, io }) {
    if (bool(values, 'check')) return check(io, bool(values, 'json'));
    const lock = await acquireGenerateLock(io.root);
    try {
      if (lock.tookOverFrom)
        io.stderr(`took over ${LOCK_FILE} from pid ${lock.tookOverFrom}, which is no longer running\n`);
      return await write(io, values);
    } finally {
      await lock.release();
    }
  },
};
