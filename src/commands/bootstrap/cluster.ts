// Step 2: the Kind cluster. Created from the generated Kind config when absent, reused
// when present; either way the client that later steps use is bound to the context
// `kind-<name>` and nothing else (the guard in adapters/kube.ts).
import { join } from 'node:path';
import { NoContextError, UserError } from '../../core/errors.ts';
import { kindConfigPath } from '../../core/names.ts';
import { KubeApiError, kindContext, type KubeClient } from '../../adapters/kube.ts';
import { kindClusters } from '../../adapters/tools.ts';
import { pollUntil, withTicker, type PollState } from './poll.ts';
import { recordMarker } from './target.ts';
import { type BootstrapContext, type Step, kindOf } from './types.ts';

const CREATE_TIMEOUT_MS = 20 * 60_000;

export function kindCreateArgs(ctx: BootstrapContext): string[] {
  const config = join(ctx.deps.io.root, kindConfigPath(ctx.cluster.name));
  // --wait 0s: kind returns once the control plane is up; readiness is waited on here, with progress.
  return ['create', 'cluster', '--name', kindOf(ctx.cluster).name, '--config', config, '--wait', '0s'];
}

/** Connects to the Kind context, restoring it from kind when the kubeconfig lost it. */
async function connect(ctx: BootstrapContext): Promise<KubeClient> {
  const name = kindOf(ctx.cluster).name;
  try {
    return await ctx.deps.connectKind(name);
  } catch (e) {
    if (!(e instanceof NoContextError)) throw e;
  }
  ctx.progress.update(`restoring kubeconfig context ${kindContext(name)}`);
  await ctx.deps.runner(ctx.tools.kind, ['export', 'kubeconfig', '--name', name]);
  return ctx.deps.connectKind(name);
}

async function waitForApi(ctx: BootstrapContext, client: KubeClient, created: boolean): Promise<void> {
  const name = kindOf(ctx.cluster).name;
  ctx.progress.update(`waiting for the API server at ${client.server}`);
  try {
    await client.raw('/readyz');
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.failure !== 'unreachable' || created) throw e;
    throw new UserError(
      `Kind cluster '${name}' exists but its API server at ${client.server} does not answer (${e.reason})`,
      `start its node: \`docker start ${name}-control-plane\`; or recreate it: \`npm run teardown -- --yes && npm run bootstrap\``,
    );
  }
}

async function nodesReady(client: KubeClient): Promise<PollState> {
  const nodes = await client.list('v1', 'Node');
  const pending = nodes.flatMap((n) => {
    const conditions = ((n.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] })?.conditions) ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    return ready?.status === 'True' ? [] : [`node ${n.metadata.name}: ${ready ? `${ready.reason ?? 'NotReady'}: ${ready.message ?? ''}`.trim() : 'no Ready condition yet'}`];
  });
  return { done: nodes.length > 0 && pending.length === 0, pending: nodes.length ? pending : ['no node registered yet'] };
}

export const clusterStep: Step = {
  name: 'cluster',
  title: 'Kind cluster',
  async run(ctx) {
    const { runner } = ctx.deps;
    const name = kindOf(ctx.cluster).name;
    const exists = ctx.clusterExists ?? (await kindClusters(runner, ctx.tools.kind))?.includes(name) ?? false;
    if (!exists) {
      const what = `kind create cluster --name ${name} (the first run pulls the node image: a few minutes)`;
      await withTicker(ctx, what, runner(ctx.tools.kind, kindCreateArgs(ctx), { timeoutMs: CREATE_TIMEOUT_MS }));
    }
    const client = await connect(ctx);
    await waitForApi(ctx, client, !exists);
    await pollUntil(ctx, {
      what: 'the Kind node to be Ready',
      timeoutMs: ctx.options.timeoutMs,
      check: () => nodesReady(client),
      hint: `kubectl --context ${client.context} describe nodes`,
    });
    ctx.client = client;
    ctx.argocdClient = client;
    // Kind's context guard already proved who this is; the marker lets it act as a hub.
    await recordMarker(ctx, client);
    return {
      changed: !exists,
      summary: `${exists ? 'reused' : 'created'} Kind cluster '${name}' (context ${client.context}, ${client.server})`,
    };
  },
};
