// `bootstrap --dry-run`: what a run would create and apply, from the same builders the
// steps use. It reads (preflight, kind get clusters, kustomize, files) but writes
// nothing and never contacts the cluster's API; secret values are never shown.
import { objectRef } from '../../core/kube.ts';
import { ARGOCD_NAMESPACE } from '../../core/names.ts';
import { isStandalone } from '../../core/topology.ts';
import { clusterSecretName, managerObjects } from './register.ts';
import { quoteForDisplay } from '../../core/errors.ts';
import { buildAccess, renderAccess, type AccessInfo } from './access.ts';
import { installPhases, renderArgoCdInstall } from './argocd.ts';
import { kindCreateArgs } from './cluster.ts';
import { formatFindings, runPreflight } from './preflight.ts';
import type { Finding } from './preflight-checks.ts';
import { servesLocally } from '../../core/cluster-config.ts';
import { GIT_SERVER, gitServerPath } from '../../core/git-server.ts';
import { buildRepoSecret, credentialsFromEnv } from './repository.ts';
import { readRootObjects, rootAppFile } from './root-app.ts';
import { plannedSecrets } from './secrets.ts';
import { type BootstrapContext, kindOf } from './types.ts';
import { expectedApplications } from './wait.ts';

export interface DryRunPlan {
  /** Kind: create or reuse; any other cluster: `existing`, with who preflight found at the context. */
  cluster: { name: string; action: 'create' | 'reuse' | 'unknown' | 'existing'; command?: string; context?: string; server?: string; uid?: string };
  argocd: { objects: string[]; crds: number; error?: string };
  /** Managed from a hub: what registration creates (names only; the token is never shown). */
  register?: { hub: string; hubContext: string; target: string[]; hubSecret: string };
  secrets: { name: string; namespace: string; keys: string[] }[];
  secretsProvided: boolean;
  repository: { secret: string; url: string; credentials: string };
  rootApp: { file: string; objects: string[]; error?: string };
  wait: { applications: string[]; revision?: string };
  access: AccessInfo;
  problems: Finding[];
  warnings: Finding[];
}

export async function buildDryRunPlan(ctx: BootstrapContext): Promise<DryRunPlan> {
  const { verdict, facts } = await runPreflight(ctx, false);
  const argocd: DryRunPlan['argocd'] = { objects: [], crds: 0 };
  if (isStandalone(ctx.cluster)) {
    try {
      const { namespaces, crds, rest } = installPhases(await renderArgoCdInstall(ctx));
      Object.assign(argocd, { objects: [...namespaces, ...crds, ...rest].map(objectRef), crds: crds.length });
    } catch (e) {
      argocd.error = (e as Error).message;
    }
  }
  const rootApp: DryRunPlan['rootApp'] = { file: rootAppFile(ctx.cluster.name), objects: [] };
  try {
    rootApp.objects = (await readRootObjects(ctx.deps.io.root, ctx.cluster.name)).map(objectRef);
  } catch (e) {
    rootApp.error = (e as Error).message;
  }
  const local = servesLocally(ctx.cluster);
  const creds = local ? undefined : credentialsFromEnv(ctx.deps.io.env);
  const repoSecret = buildRepoSecret(ctx.cluster, creds);
  // Local mode: the in-cluster server's random admin credential, created in the cluster (never shown).
  const credentials = local
    ? `git server ${gitServerPath(ctx.cluster.name)} with HEAD pushed; username and password from Secret ${GIT_SERVER.namespace}/${GIT_SERVER.adminSecret}`
    : creds
      ? `username and token from ${creds.from}`
      : 'none (public repository)';
  return {
    cluster: clusterPlan(ctx, facts.clusterExists),
    argocd,
    ...(ctx.hub
      ? {
          register: {
            hub: ctx.hub.name,
            hubContext: ctx.contexts.argocd,
            target: managerObjects().map(objectRef),
            hubSecret: `Secret/${ARGOCD_NAMESPACE}/${clusterSecretName(ctx.cluster)}`,
          },
        }
      : {}),
    secrets: plannedSecrets(ctx.cluster).map((s) => ({ name: s.name, namespace: s.namespace, keys: [...s.keys] })),
    secretsProvided: ctx.cluster.secrets.provider === 'external',
    repository: { secret: objectRef(repoSecret), url: ctx.cluster.repository.url, credentials },
    rootApp,
    wait: { applications: expectedApplications(ctx.cluster).map((a) => a.name), revision: facts.git.remoteCommit?.commit },
    access: buildAccess(ctx.cluster, ctx.contexts),
    problems: verdict.problems,
    warnings: verdict.warnings,
  };
}

function clusterPlan(ctx: BootstrapContext, exists: boolean | undefined): DryRunPlan['cluster'] {
  if (!ctx.cluster.kind) return { name: ctx.cluster.name, action: 'existing', context: ctx.contexts.target, server: ctx.identity?.server, uid: ctx.identity?.uid };
  return {
    action: exists === undefined ? 'unknown' : exists ? 'reuse' : 'create',
    name: kindOf(ctx.cluster).name,
    ...(exists ? {} : { command: [ctx.tools.kind, ...kindCreateArgs(ctx)].map(quoteForDisplay).join(' ') }),
  };
}

function clusterLine(c: DryRunPlan['cluster']): string {
  if (c.action === 'existing')
    return c.server ? `act on context ${c.context}: ${c.server}, kube-system UID ${c.uid}; record ConfigMap kube-system/somastack-cluster` : `act on context ${c.context} (not reached: see the problems below)`;
  if (c.action === 'reuse') return `reuse the existing Kind cluster '${c.name}'`;
  return c.action === 'create' ? `create: ${c.command}` : `create or reuse Kind cluster '${c.name}' (kind could not be asked)`;
}

function argocdLines(p: DryRunPlan): string[] {
  if (p.register)
    return [
      `3. Register   with hub '${p.register.hub}' (context ${p.register.hubContext}): apply in the cluster:`,
      ...p.register.target.map((o) => `               ${o}`),
      `               then ${p.register.hubSecret} in the hub (token and CA from the ServiceAccount; never shown)`,
    ];
  return [
    p.argocd.error
      ? `3. Argo CD    server-side apply of the Argo CD install (not rendered: ${p.argocd.error.split('\n')[0]})`
      : `3. Argo CD    server-side apply of ${p.argocd.objects.length} objects (namespaces, then ${p.argocd.crds} CRDs, then the rest):`,
    ...p.argocd.objects.map((o) => `               ${o}`),
  ];
}

export function renderDryRunPlan(p: DryRunPlan): string {
  const lines = ['Dry run: nothing is created or applied.', ''];
  lines.push(`1. Preflight  ${p.problems.length ? `${p.problems.length} problem(s), listed below` : 'ok'}${p.warnings.length ? `, ${p.warnings.length} warning(s)` : ''}`);
  lines.push(`2. Cluster    ${clusterLine(p.cluster)}`);
  lines.push(...argocdLines(p));
  lines.push(p.secretsProvided ? '4. Secrets    provided by someone else (secrets.provider: external); checked to exist:' : '4. Secrets    create if absent (random values, never rotated):');
  for (const s of p.secrets) lines.push(`               Secret/${s.namespace}/${s.name}  keys: ${s.keys.join(', ')}`);
  lines.push(`5. Repository apply ${p.repository.secret}: ${p.repository.url}, credentials: ${p.repository.credentials}`);
  lines.push(p.rootApp.error ? `6. Root app   ${p.rootApp.error}` : `6. Root app   apply ${p.rootApp.file}: ${p.rootApp.objects.join(', ')}`);
  lines.push(`7. Wait       until Synced and Healthy${p.wait.revision ? ` at ${p.wait.revision.slice(0, 7)}` : ''}: ${p.wait.applications.join(', ')}`);
  lines.push('8. Access');
  for (const l of renderAccess(p.access)) lines.push(`               ${l}`);
  if (p.warnings.length) lines.push('', 'Warnings:', formatFindings(p.warnings, '!'));
  if (p.problems.length) lines.push('', 'Problems (bootstrap would stop at preflight):', formatFindings(p.problems));
  return `${lines.join('\n')}\n`;
}
