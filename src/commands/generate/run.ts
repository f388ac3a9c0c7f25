// `npm run generate`, top to bottom: finish what an interrupted run left, read and check
// every cluster.yaml and every object the components build, plan the whole tree in memory
// (pure), then write it as one journaled change under the lock (or, with --check, report).
import { PRUNED_DIR, pendingWrites, recoverInterruptedWrites } from '../../adapters/tree-journal.ts';
import { acquireGenerateLock, LOCK_FILE } from '../../adapters/tree-lock.ts';
import { compareTree, isClean, type TreeComparison, writeTree } from '../../adapters/tree.ts';
import type { Deps } from '../../cli/deps.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';

export interface GenerateOptions {
  check: boolean;
  prune: boolean;
  json: boolean;
}

function formatComparison(c: TreeComparison): string {
  const rows = [
    ...c.stale.map((p) => `  stale    ${p}`),
    ...c.missing.map((p) => `  missing  ${p}`),
    ...c.extra.map((p) => `  extra    ${p}`),
    ...c.foreign.map((p) => `  foreign  ${p}`),
  ];
  return rows.join('\n');
}

/** Returns 0 written or up to date, 1 when --check finds differences. */
export async function runGenerate(options: GenerateOptions, deps: Deps): Promise<number> {
  if (options.check) return check(options, deps);
  const lock = await acquireGenerateLock(deps.io.root);
  try {
    if (lock.tookOverFrom)
      deps.io.stderr(`took over ${LOCK_FILE} from pid ${lock.tookOverFrom}, which is no longer running\n`);
    return await write(options, deps);
  } finally {
    await lock.release();
  }
}

/** The inputs and the plan, checked: nothing invalid gets as far as the tree. */
async function plan(deps: Deps): Promise<{ clusters: ClusterConfig[]; files: Map<string, string> }> {
  const clusters = await deps.repo.loadClusters(deps.io.root);
  return { clusters, files: await deps.repo.buildTree(clusters, deps.io.root) };
}

async function check(options: GenerateOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  const { files } = await plan(deps);
  const before = await compareTree(io.root, files);
  const interrupted = await pendingWrites(io.root);
  const clean = isClean(before) && !interrupted.length;
  const note = interrupted.length ? `an interrupted generate left ${interrupted.join(', ')}/ half applied\n` : '';
  if (options.json)
    io.stdout(`${JSON.stringify({ upToDate: clean, files: files.size, ...before, interrupted }, null, 2)}\n`);
  else if (clean) io.stdout(`generated tree is up to date (${files.size} files)\n`);
  else
    io.stdout(
      `generated tree is out of date:\n${note}${formatComparison(before)}\nfix: run \`npm run generate\` and commit the result\n`,
    );
  return clean ? 0 : 1;
}

async function write(options: GenerateOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  const recovered = await recoverInterruptedWrites(io.root);
  for (const d of recovered.completed) io.stderr(`completed the write an interrupted generate left in ${d}/\n`);
  if (recovered.removed.length)
    io.stderr(
      `removed ${recovered.removed.length} staging folder(s) of interrupted generate runs (nothing had been written from them)\n`,
    );
  const { clusters, files } = await plan(deps);
  const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-');
  const before = await writeTree(io.root, files, { prune: options.prune, pruneStamp: stamp });
  const changed = before.stale.length + before.missing.length + before.extra.length + before.foreign.length;
  const prunedTo = before.foreign.length ? `${PRUNED_DIR}/${stamp}/` : undefined;
  if (options.json)
    io.stdout(`${JSON.stringify({ written: changed > 0, files: files.size, ...before, prunedTo }, null, 2)}\n`);
  else if (changed)
    io.stdout(`generated ${files.size} files for ${clusters.length} clusters; changed:\n${formatComparison(before)}\n`);
  else
    io.stdout(
      `generated tree already up to date (${files.size} files, ${clusters.length} clusters); nothing written\n`,
    );
  if (prunedTo && !options.json)
    io.stdout(
      `moved ${before.foreign.length} file(s) generate did not write to ${prunedTo} (git-ignored; delete it when you no longer need them)\n`,
    );
  return 0;
}
