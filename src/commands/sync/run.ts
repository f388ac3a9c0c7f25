// `npm run sync`, top to bottom: pick the local-mode Kind cluster, refuse a generated tree
// that is stale or uncommitted, then run two bootstrap-style steps — push HEAD to the
// in-cluster git server, and bootstrap's own wait — and report like bootstrap does.
import { kindOf } from '../bootstrap/types.ts';
import type { Deps } from '../../cli/deps.ts';
import { servesLocally, type ClusterConfig } from '../../core/cluster-config.ts';
import { isExpectedError, UserError } from '../../core/errors.ts';
import { GIT_SERVER } from '../../core/git-server.ts';
import { DIRS } from '../../core/names.ts';
import { GENERATED_FILES, GENERATED_ROOTS } from '../../core/tree-plan.ts';
import { uncommittedPaths } from '../../adapters/git.ts';
import { kindContext } from '../../adapters/kube.ts';
import { pushToServer, readGitCredential } from '../bootstrap/local-repository.ts';
import { formatDuration, Progress } from '../bootstrap/progress.ts';
import { runSteps } from '../bootstrap/steps.ts';
import {
  NotHealthyError,
  type BootstrapContext,
  type ComponentTiming,
  type Step,
  type StepReport,
} from '../bootstrap/types.ts';
import { failureLines } from '../bootstrap/index.ts';
import { waitStep } from '../bootstrap/wait.ts';

export interface SyncOptions {
  cluster: string;
  /** Picks the cluster by its Kind context instead of by name. */
  context?: string;
  timeoutMs: number;
  degradedGraceMs: number;
  json: boolean;
}

export interface SyncResult {
  cluster: string;
  context: string;
  ok: boolean;
  /** Whether the push moved the server's branch (false: it already had HEAD). */
  changed: boolean;
  /** The commit pushed (HEAD), once the push ran. */
  commit?: string;
  durationMs: number;
  steps: StepReport[];
  components: ComponentTiming[];
  error?: { message: string; details: string[]; hint?: string };
}

type KindCluster = ClusterConfig & { kind: NonNullable<ClusterConfig['kind']> };

/** The cluster to sync: named, or found by its Kind context; it must be a Kind cluster in local mode. */
export function pickCluster(
  clusters: readonly ClusterConfig[],
  options: Pick<SyncOptions, 'cluster' | 'context'>,
): KindCluster {
  const found = options.context
    ? clusters.find((c) => c.kind && kindContext(c.kind.name) === options.context)
    : clusters.find((c) => c.name === options.cluster);
  if (!found) {
    const kinds = clusters.filter((c) => c.kind).map((c) => `${c.name} (context ${kindContext(c.kind!.name)})`);
    throw new UserError(
      options.context
        ? `no cluster under clusters/ has the Kind context '${options.context}'`
        : `no cluster '${options.cluster}' under clusters/`,
      `pass --cluster with one of: ${kinds.join(', ') || 'none (no cluster.yaml has a kind: section)'}`,
    );
  }
  if (!found.kind || !servesLocally(found)) {
    throw new UserError(
      `${found.name} does not serve its repository from the cluster (${found.source}: repository.serve is not 'local'), so there is nothing to push to: Argo CD syncs ${found.repository.url}`,
      found.kind
        ? `set repository.serve: local in ${found.source}, run \`npm run generate\`, commit, and recreate the cluster (\`npm run teardown\`, then \`npm run bootstrap\`); or push to ${found.repository.url} as usual`
        : `push to ${found.repository.url}; sync is for Kind clusters in local mode (docs/bootstrap.md)`,
    );
  }
  return found as KindCluster;
}

/** Refuses what Argo CD would not get: a stale generated tree, or generated changes not committed. */
export async function checkGeneratedCommitted(deps: Deps, clusters: ClusterConfig[]): Promise<void> {
  const root = deps.io.root;
  const c = await deps.repo.compareTree(root, await deps.repo.buildTree(clusters, root));
  const stale = [...c.stale, ...c.missing, ...c.extra];
  if (stale.length) {
    throw new UserError(
      `the generated tree is out of date (${stale.length} file(s), e.g. ${stale.slice(0, 3).join(', ')}): \`npm run generate -- --check\` fails, so what would be pushed is not what the sources say`,
      'run `npm run generate`, commit the result, then `npm run sync` again',
    );
  }
  const dirty = await uncommittedPaths(root, [...GENERATED_ROOTS, ...GENERATED_FILES, DIRS.clusters], deps.runner);
  if (dirty.length) {
    throw new UserError(
      `generated files or cluster inputs have uncommitted changes (${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? `, … ${dirty.length} in all` : ''}): sync pushes HEAD, so Argo CD would not see them`,
      'commit them (`git add -A && git commit`), then `npm run sync` again',
    );
  }
}

const pushStep: Step = {
  // Reported under the repository step's name: it is local mode's repository step, run again.
  name: 'repository',
  title: 'Push HEAD',
  async run(ctx) {
    ctx.client = await ctx.deps.connectKind(kindOf(ctx.cluster).name);
    ctx.argocdClient = ctx.client;
    const cred = await readGitCredential(ctx.client);
    if (!cred) {
      throw new UserError(
        `Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret} is missing from ${ctx.client.context}: the git server was not set up`,
        'run `npm run bootstrap` (it creates the server and the Secret, then pushes)',
      );
    }
    const { head, updated } = await pushToServer(ctx, cred);
    return {
      changed: updated,
      summary: updated
        ? `pushed ${head.slice(0, 7)} to '${ctx.cluster.repository.revision}' on the in-cluster git server`
        : `'${ctx.cluster.repository.revision}' on the in-cluster git server is already at ${head.slice(0, 7)}`,
    };
  },
};

export async function syncCluster(options: SyncOptions, deps: Deps): Promise<{ code: number; result: SyncResult }> {
  const clusters = await deps.repo.loadClusters(deps.io.root);
  const cluster = pickCluster(clusters, options);
  await checkGeneratedCommitted(deps, clusters);
  const context = kindContext(cluster.kind.name);
  const ctx: BootstrapContext = {
    contexts: { target: context, argocd: context },
    options: {
      cluster: cluster.name,
      dryRun: false,
      timeoutMs: options.timeoutMs,
      degradedGraceMs: options.degradedGraceMs,
      installTools: false,
      json: options.json,
    },
    deps,
    cluster,
    progress: new Progress(deps.io, deps.now),
    tools: { kind: 'kind', kubectl: 'kubectl' },
    components: [],
    warnings: [],
  };
  const start = deps.now();
  const { reports, error } = await runSteps([pushStep, waitStep], ctx);
  const result: SyncResult = {
    cluster: cluster.name,
    context: kindContext(cluster.kind.name),
    ok: !error,
    changed: reports.some((r) => r.changed),
    ...(ctx.expectedRevision ? { commit: ctx.expectedRevision } : {}),
    durationMs: deps.now() - start,
    steps: reports,
    components: ctx.components,
  };
  if (!error) return { code: 0, result };
  if (error instanceof NotHealthyError)
    return {
      code: 1,
      result: { ...result, error: { message: error.message, details: error.details, hint: error.hint } },
    };
  if (isExpectedError(error))
    return { code: 2, result: { ...result, error: { message: error.message, details: [], hint: error.hint } } };
  throw error;
}

export function renderSyncResult(r: SyncResult): { stdout: string; stderr: string } {
  if (!r.ok) {
    const lines = failureLines(r);
    return { stdout: '', stderr: `${lines.join('\n')}\n` };
  }
  const timings = r.components.map(
    (c) =>
      `  ${c.component.padEnd(12)} ${c.application.padEnd(28)} ${c.timeToHealthyMs === null ? '-' : formatDuration(c.timeToHealthyMs)}`,
  );
  const head = `Synced ${r.cluster} to ${r.commit?.slice(0, 7)} in ${formatDuration(r.durationMs)}: every Application is Synced and Healthy at that commit.`;
  return {
    stdout: `${[head, '', 'Time to healthy (from the start of the wait):', ...timings].join('\n')}\n`,
    stderr: '',
  };
}

export async function runSync(options: SyncOptions, deps: Deps): Promise<number> {
  const { code, result } = await syncCluster(options, deps);
  const text = renderSyncResult(result);
  deps.io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : text.stdout);
  deps.io.stderr(text.stderr);
  return code;
}
