// Step 5 in local mode (cluster.yaml `repository.serve: local`, docs/bootstrap.md): run the
// in-cluster git server, push HEAD to it, and register it with Argo CD using the admin
// credential. Every part converges, so a re-run or a resumed Ctrl-C changes nothing that
// is already right. `npm run sync` reuses the credential and push parts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { buildGitAdminSecret, GIT_SERVER, gitServerPath } from '../../core/git-server.ts';
import { assessHealth } from '../../core/health.ts';
import { isKubeObject, type KubeObject } from '../../core/kube.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import { pushHead, type GitCredential } from '../../adapters/git-server.ts';
import type { KubeClient } from '../../adapters/kube.ts';
import { applyAll, describeTally, podDiagnosis, type ApplyTally } from './argocd.ts';
import { pollUntil } from './poll.ts';
import { buildRepoSecret } from './repository.ts';
import { type BootstrapContext, type StepResult, kindOf } from './types.ts';

/** The git server's objects exactly as generated (what is in git is what runs). */
async function readGitServerObjects(root: string, cluster: string): Promise<KubeObject[]> {
  const file = gitServerPath(cluster);
  const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
  if (text === undefined) throw new UserError(`${file} not found (repository.serve is local)`, 'run `npm run generate` and commit the result');
  const objects = parseYamlStream(text).flatMap((d) => {
    if (d.errors.length) throw new UserError(`${file} is not valid YAML: ${d.errors[0]}`, 'run `npm run generate`');
    return isKubeObject(d.value) ? [d.value] : [];
  });
  if (!objects.some((o) => o.kind === 'Deployment')) throw new UserError(`${file} holds no Deployment`, 'run `npm run generate`');
  return objects;
}

/** The admin credential from the cluster's Secret, or undefined when there is none. */
export async function readGitCredential(client: KubeClient): Promise<GitCredential | undefined> {
  const secret = await client.get('v1', 'Secret', GIT_SERVER.adminSecret, GIT_SERVER.namespace);
  const data = (secret?.data ?? {}) as Record<string, string>;
  const decode = (k: string) => Buffer.from(data[k] ?? '', 'base64').toString('utf8');
  return data.username && data.password ? { username: decode('username'), password: decode('password') } : undefined;
}

/** Creates the admin Secret with a random password when absent; never replaces one. */
async function ensureCredential(ctx: BootstrapContext, client: KubeClient): Promise<{ cred: GitCredential; created: boolean }> {
  const existing = await readGitCredential(client);
  if (existing) return { cred: existing, created: false };
  const { created } = await client.create(buildGitAdminSecret(ctx.deps.randomBytes(32).toString('base64url')));
  const cred = await readGitCredential(client);
  if (!cred)
    throw new UserError(`Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret} has no username or password`, `delete it and run \`npm run bootstrap\` again: \`kubectl -n ${GIT_SERVER.namespace} delete secret ${GIT_SERVER.adminSecret}\``);
  return { cred, created };
}

async function serverReady(client: KubeClient, workloads: readonly KubeObject[]) {
  const pending: string[] = [];
  for (const w of workloads) {
    const live = await client.get(w.apiVersion, w.kind, w.metadata.name, w.metadata.namespace);
    const h = live ? assessHealth(live) : { status: 'Missing', message: '' };
    if (h.status !== 'Healthy') pending.push(`${w.kind} ${w.metadata.name}: ${h.status}${h.message ? `: ${h.message}` : ''}`);
  }
  return { done: pending.length === 0, pending };
}

/** Pushes HEAD with the cluster's credential; sets the revision the wait expects. */
export async function pushToServer(
  ctx: BootstrapContext,
  cred: GitCredential,
): Promise<{ head: string; updated: boolean; repoCreated: boolean }> {
  const { gitServer, io, runner } = ctx.deps;
  const target = gitServer.target(kindOf(ctx.cluster).hostPorts.git ?? GIT_SERVER.hostPort);
  const branch = ctx.cluster.repository.revision;
  ctx.progress.update(`pushing HEAD to ${target.pushUrl} (${branch})`);
  const repoCreated = await gitServer.ensureRepo(target, cred, branch);
  const { head, updated } = await pushHead(io.root, target, cred, branch, runner);
  ctx.expectedRevision = head;
  return { head, updated, repoCreated };
}

/**
 * Kind fixes port mappings when it creates a cluster: one created before `serve: local` has no
 * way in for the push. Found here, before anything is applied, rather than as a refused push.
 */
async function checkPortMapping(ctx: BootstrapContext): Promise<void> {
  const hostPort = kindOf(ctx.cluster).hostPorts.git ?? GIT_SERVER.hostPort;
  const node = `${kindOf(ctx.cluster).name}-control-plane`;
  const r = await ctx.deps.runner('docker', ['port', node, `${GIT_SERVER.nodePort}/tcp`], { allowFailure: true });
  const published = r.code === 0 && r.stdout.split('\n').some((l) => l.trim().endsWith(`:${hostPort}`));
  if (published) return;
  throw new UserError(
    `the Kind cluster '${kindOf(ctx.cluster).name}' does not publish the git server's node port ${GIT_SERVER.nodePort} on host port ${hostPort} (kind.hostPorts.git): it was created before repository.serve: local, or with other ports`,
    'recreate it with the current Kind config: `npm run teardown`, then `npm run bootstrap` (Kind sets port mappings only when it creates a cluster)',
  );
}

export async function runLocalRepository(ctx: BootstrapContext): Promise<StepResult> {
  const client = ctx.client!;
  await checkPortMapping(ctx);
  const objects = await readGitServerObjects(ctx.deps.io.root, ctx.cluster.name);
  const tally: ApplyTally = { created: [], configured: [], unchanged: 0 };
  // Namespace first: the Secret goes in it, and the pod reads the Secret at start.
  await applyAll(client, objects.filter((o) => o.kind === 'Namespace'), tally, GIT_SERVER.namespace);
  const { cred, created } = await ensureCredential(ctx, client);
  const applied = await applyAll(client, objects.filter((o) => o.kind !== 'Namespace'), tally, GIT_SERVER.namespace);
  const workloads = applied.filter((o) => o.kind === 'Deployment');
  await pollUntil(ctx, {
    what: 'the in-cluster git server to be ready',
    timeoutMs: ctx.options.timeoutMs,
    check: () => serverReady(client, workloads),
    diagnose: () => podDiagnosis(client, GIT_SERVER.namespace),
    hint: `kubectl --context ${client.context} -n ${GIT_SERVER.namespace} describe pod -l app.kubernetes.io/name=${GIT_SERVER.name}`,
  });
  const { head, updated, repoCreated } = await pushToServer(ctx, cred);
  // Argo CD clones the private repository with the same credential; it stays in the cluster.
  const { outcome } = await client.apply(buildRepoSecret(ctx.cluster, { ...cred, from: `Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret}` }));
  const changed = created || repoCreated || updated || outcome !== 'unchanged' || tally.created.length + tally.configured.length > 0;
  return {
    changed,
    summary: `in-cluster git server ready (${describeTally(tally)}); HEAD ${head.slice(0, 7)} ${updated ? 'pushed to' : 'already on'} ${ctx.cluster.repository.revision}; Argo CD reads ${ctx.cluster.repository.url}`,
    details: [
      ...(created ? [`created Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret} (random admin password, never printed)`] : []),
      ...(repoCreated ? [`created repository ${GIT_SERVER.owner}/${GIT_SERVER.repo}`] : []),
    ],
  };
}
