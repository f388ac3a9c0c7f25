// `npm run teardown`: delete the project's local Kind cluster, after confirmation; for any
// other cluster, remove what bootstrap put into it (remote.ts). For Kind only
// `kind delete cluster --name <kind.name>` is ever run, and only for a cluster.yaml with a
// kind: section whose kubeconfig context (if present) is a local Kind cluster.
import { UserError } from '../../core/errors.ts';
import { loadClusters } from '../../adapters/inputs.ts';
import { checkNoSpokes, teardownRemote } from './remote.ts';
import { spokesOf } from '../../core/topology.ts';
import { guardKindContext, kindContext, loadContext } from '../../adapters/kube.ts';
import { kindClusters, resolveTools } from '../../adapters/tools.ts';
import type { Deps } from '../../cli/deps.ts';

export interface TeardownOptions {
  cluster: string;
  yes: boolean;
  json: boolean;
  context?: string;
  hubContext?: string;
  confirm?: string;
  timeoutMs: number;
}

export async function runTeardown(options: TeardownOptions, deps: Deps): Promise<number> {
  const { io, runner } = deps;
  const { json } = options;
  const all = await loadClusters(io.root);
  const cluster = all.find((c) => c.name === options.cluster);
  if (!cluster)
    throw new UserError(`unknown cluster '${options.cluster}'`, `one of: ${all.map((c) => c.name).join(', ')}`);
  // Any other cluster keeps existing: only what bootstrap put into it goes.
  if (!cluster.kind) return teardownRemote(deps, { ...options, cluster, all });
  if (options.context || options.hubContext || options.confirm)
    throw new UserError(
      `'${cluster.name}' is a Kind cluster: --context, --hub-context and --confirm are for other clusters`,
      'drop them',
    );
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
  // A Kind hub whose Argo CD still manages other clusters would leave them orphaned.
  if (spokesOf(cluster.name, all).length) await checkNoSpokes(cluster, await deps.connectKind(name));
  if (!options.yes) {
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
