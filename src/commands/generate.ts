import { compareTree, isClean, type TreeComparison, writeTree } from '../adapters/tree.ts';
import { loadClusters } from '../adapters/inputs.ts';
import { buildTree } from '../core/tree.ts';
import { bool, type Command } from '../cli/types.ts';

function formatComparison(c: TreeComparison): string {
  const rows = [
    ...c.stale.map((p) => `  stale    ${p}`),
    ...c.missing.map((p) => `  missing  ${p}`),
    ...c.extra.map((p) => `  extra    ${p}`),
  ];
  return rows.join('\n');
}

export const command: Command = {
  name: 'generate',
  summary: 'write base/, overlays/, apps/ and bootstrap/ from the TypeScript source and clusters/*/cluster.yaml',
  usage: '[--check] [--json]',
  description: `
Validates every clusters/<name>/cluster.yaml, builds the whole generated tree in memory,
then writes it through a temporary copy that is swapped in, so bad input or an error
never leaves a half-written tree. Running it twice changes nothing.

--check writes nothing: it lists stale, missing and extra generated files and exits 1
when there are any (what CI and \`npm run validate\` run).

Exit codes: 0 up to date / written, 1 --check found differences, 2 bad input or error.`,
  options: {
    check: { type: 'boolean', description: 'write nothing; list stale, missing and extra files, exit 1 when any' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ values, io }) {
    const clusters = await loadClusters(io.root);
    const files = buildTree(clusters);
    const before = await compareTree(io.root, files);
    const json = bool(values, 'json');
    if (bool(values, 'check')) {
      const clean = isClean(before);
      if (json) io.stdout(`${JSON.stringify({ upToDate: clean, files: files.size, ...before }, null, 2)}\n`);
      else if (clean) io.stdout(`generated tree is up to date (${files.size} files)\n`);
      else
        io.stdout(
          `generated tree is out of date:\n${formatComparison(before)}\nfix: run \`npm run generate\` and commit the result\n`,
        );
      return clean ? 0 : 1;
    }
    if (!isClean(before)) await writeTree(io.root, files);
    const changed = before.stale.length + before.missing.length + before.extra.length;
    if (json) io.stdout(`${JSON.stringify({ written: changed > 0, files: files.size, ...before }, null, 2)}\n`);
    else if (changed)
      io.stdout(
        `generated ${files.size} files for ${clusters.length} clusters; changed:\n${formatComparison(before)}\n`,
      );
    else
      io.stdout(
        `generated tree already up to date (${files.size} files, ${clusters.length} clusters); nothing written\n`,
      );
    return 0;
  },
};
