// `npm run teardown`: delete the project's local Kind cluster, after confirmation.
// Only `kind delete cluster --name <kind.name>` is ever run, and only for a cluster.yaml
// with a kind: section whose kubeconfig context (if present) is a local Kind cluster.
import { UserError } from '../core/errors.ts';
import { loadCluster } from '../adapters/inputs.ts';
import { guardKindContext, kindContext, loadContext } from '../adapters/kube.ts';
import { kindClusters, resolveTools } from '../adapters/tools.ts';
import { bool, type Command, type CommandContext, str } from '../cli/types.ts';

export async function runTeardown(ctx: CommandContext): Promise<number> {
  const { runner } = ctx.deps;
  const { io, values } = ctx;
  const json = bool(values, 'json');
  const cluster = await loadCluster(io.root, str(values, 'cluster') ?? 'kind-soma');
  if (!cluster.kind) {
    throw new UserError(
      `teardown deletes local Kind clusters only, and '${cluster.name}' is not one (${cluster.source} has no kind: section)`,
      'remove a remote cluster through its own tooling',
    );
  }
  const name = cluster.kind.name;
  const context = kindContext(name);
  const kc = loadContext(io.env, context);
  if (kc) guardKindContext(kc, name);
  const kind = (await resolveTools(io.root)).kind;
  const existing = await kindClusters(runner, kind);
  if (!existing)
    throw new UserError(
      'cannot list Kind clusters (`kind get clusters` failed)',
      'check that Docker is running (`docker info`)',
    );
  const report = (deleted: boolean, message: string) => {
    io.stdout(
      json ? `${JSON.stringify({ cluster: cluster.name, kindCluster: name, context, deleted })}\n` : `${message}\n`,
    );
  };
  if (!existing.includes(name)) {
    report(false, `No Kind cluster '${name}': nothing to delete.`);
    return 0;
  }
  if (!bool(values, 'yes')) {
    if (!io.interactive || !io.confirm) {
      throw new UserError(
        `refusing to delete Kind cluster '${name}' without confirmation`,
        'pass --yes (for scripts and CI), or run it in a terminal to be asked',
      );
    }
    const yes = await io.confirm(`Delete Kind cluster '${name}' (context ${context}) and everything in it?`);
    if (!yes) {
      io.stderr('Aborted: nothing was deleted.\n');
      return 1;
    }
  }
  await runner(kind, ['delete', 'cluster', '--name', name], { timeoutMs: 5 * 60_000 });
  report(true, `Deleted Kind cluster '${name}' and its context ${context}.`);
  return 0;
}

export const command: Command = {
  name: 'teardown',
  summary: 'delete the local Kind cluster (asks first; --yes for scripts)',
  usage: '[--cluster <name>] [--yes] [--json]',
  description: `
Deletes the Kind cluster of a local cluster (clusters/<cluster>/cluster.yaml with a kind:
section) with \`kind delete cluster --name <kind.name>\`, which also removes its kubeconfig
context. It refuses clusters without a kind: section, and a kind-<name> context that does
not point at this machine. Without --yes it asks on a terminal and refuses otherwise.

Exit codes: 0 deleted or nothing to delete, 1 not confirmed, 2 could not run.

Examples:
  npm run teardown
  npm run teardown -- --yes`,
  options: {
    cluster: {
      type: 'string',
      value: '<name>',
      default: 'kind-soma',
      description: 'cluster under clusters/ (must have a kind: section)',
    },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    json: { type: 'boolean', description: 'machine-readable result on stdout' },
  },
  run: runTeardown,
};
