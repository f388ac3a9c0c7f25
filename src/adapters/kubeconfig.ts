// Kubeconfig for commands that must act on exactly one context: load that context alone
// (never the current one), and the guard that accepts only the project's local Kind cluster.
import { kindContextName } from '../core/topology.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../core/errors.ts';

/** The kubeconfig files kubectl would read: $KUBECONFIG (a path list) or ~/.kube/config. */
export function kubeconfigPaths(env: Record<string, string | undefined>): string[] {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  return list.length ? list : [join(env.HOME ?? homedir(), '.kube', 'config')];
}

/**
 * Where the kubeconfig comes from, for messages: the files and whether they exist, and
 * whether KUBECONFIG chose them ("~/.kube/config (KUBECONFIG is not set), which does not exist").
 */
export function describeKubeconfig(env: Record<string, string | undefined>): string {
  const paths = kubeconfigPaths(env);
  const from = (env.KUBECONFIG ?? '').split(delimiter).some(Boolean)
    ? `KUBECONFIG=${env.KUBECONFIG}`
    : 'KUBECONFIG is not set';
  const missing = paths.filter((p) => !existsSync(p));
  const state =
    missing.length === 0
      ? ''
      : missing.length === paths.length
        ? paths.length === 1
          ? ', which does not exist'
          : ', none of which exists'
        : `; ${missing.join(', ')} does not exist`;
  return `${paths.join(', ')} (${from})${state}`;
}

/** True when no kubeconfig file kubectl would read exists. */
export function noKubeconfig(env: Record<string, string | undefined>): boolean {
  return !kubeconfigPaths(env).some((p) => existsSync(p));
}

/**
 * Loads exactly one context (and its cluster and user) from the kubeconfig files, first
 * file wins as in kubectl. The result knows nothing else, so no call can reach another cluster.
 * Returns undefined when no file defines the context; throws when the context is there but
 * the cluster entry it names is not (a different problem, with a different fix).
 */
export function loadContext(env: Record<string, string | undefined>, context: string): KubeConfig | undefined {
  let ctx: ReturnType<KubeConfig['getContextObject']> = null;
  let cluster: ReturnType<KubeConfig['getCluster']> = null;
  let user: ReturnType<KubeConfig['getUser']> = null;
  for (const file of kubeconfigPaths(env)) {
    if (!existsSync(file)) continue; // a listed file that does not exist is skipped, as kubectl does
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (e) {
      throw new UserError(
        `cannot read kubeconfig ${file}: ${(e as Error).message}`,
        'fix or remove the file (or point KUBECONFIG elsewhere)',
      );
    }
    ctx ??= kc.getContextObject(context);
    if (ctx) {
      cluster ??= kc.getCluster(ctx.cluster);
      user ??= kc.getUser(ctx.user);
    }
  }
  if (!ctx) return undefined;
  if (!cluster) {
    throw new UserError(
      `kubeconfig context '${context}' names cluster '${ctx.cluster}', but no cluster entry '${ctx.cluster}' exists in ${kubeconfigPaths(env).join(', ')}`,
      `add the cluster entry (\`kubectl config set-cluster ${ctx.cluster} --server=https://…\`), or rewrite the context: for Kind, \`kind export kubeconfig --name <name>\``,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user ?? { name: ctx.user }],
    contexts: [{ ...ctx, namespace: undefined }],
    currentContext: ctx.name,
  });
  return kc;
}

/** The Kind cluster name's context: what `kind create cluster --name <n>` writes. */
/** Kind writes its context as kind-<name> (the one definition lives with the topology). */
export const kindContext = kindContextName;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Refuses any context that is not the project's local Kind cluster: the context and its
 * cluster entry must both be `kind-<name>` and the API server must be on this machine.
 */
export function guardKindContext(kc: KubeConfig, kindName: string): void {
  const expected = kindContext(kindName);
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const cluster = ctx ? kc.getCluster(ctx.cluster) : null;
  const fix = `delete the Kind cluster and let bootstrap recreate it: kind delete cluster --name ${kindName}`;
  if (!ctx || ctx.name !== expected) {
    throw new UserError(
      `refusing to use context '${ctx?.name ?? '(none)'}': only '${expected}' (the project's Kind cluster) is allowed`,
      fix,
    );
  }
  if (!cluster || cluster.name !== expected) {
    throw new UserError(
      `refusing to use context '${expected}': it points at cluster entry '${cluster?.name ?? '(none)'}', not '${expected}'`,
      fix,
    );
  }
  const host = hostOf(cluster.server);
  if (!LOOPBACK.has(host)) {
    throw new UserError(
      `refusing to use context '${expected}': its API server ${cluster.server} is not on this machine, so it is not a local Kind cluster`,
      fix,
    );
  }
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}
