// Read-side cluster access for `status`, `drift` and `smoke`: the kubeconfig's current
// context (or --context), Argo CD Applications, live objects, server-side apply DRY-RUNS,
// pod logs, and the short-lived Jobs smoke checks run. Every request goes through
// KubeClient (kube.ts): discovery, retries and typed errors are the same as for bootstrap.
import { existsSync, readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { NoContextError, UserError } from '../core/errors.ts';
import { objectRef, type KubeObject } from '../core/kube.ts';
import { ARGOCD_NAMESPACE } from '../core/names.ts';
import { describeKubeconfig, noKubeconfig } from './kubeconfig.ts';
import {
  DEFAULT_RETRY,
  KubeApiError,
  KubeClient,
  kubeconfigPaths,
  loadContext,
  type KubeClientOptions,
  type RetryPolicy,
} from './kube.ts';

/** The context kubectl would use: the first kubeconfig file that sets current-context. */
export function currentContext(env: Record<string, string | undefined>): string | undefined {
  for (const file of kubeconfigPaths(env)) {
    if (!existsSync(file)) continue;
    const kc = new KubeConfig();
    try {
      kc.loadFromString(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UserError(
        `cannot read kubeconfig ${file}: ${(e as Error).message}`,
        'fix or remove the file (or point KUBECONFIG elsewhere)',
      );
    }
    if (kc.currentContext) return kc.currentContext;
  }
  return undefined;
}

/** Connects to `context` (default: the current one). Reads only; nothing is checked against Kind here. */
export function connectLive(
  env: Record<string, string | undefined>,
  context?: string,
  options: KubeClientOptions = {},
): LiveCluster {
  const name = context ?? currentContext(env);
  if (noKubeconfig(env)) {
    throw new UserError(
      `no kubeconfig: ${describeKubeconfig(env)}`,
      'create the local cluster with `npm run bootstrap` (it writes the kubeconfig), or point KUBECONFIG at an existing kubeconfig file',
    );
  }
  if (!name) {
    throw new UserError(
      `no current context in ${describeKubeconfig(env)}`,
      'pass --context <name>, or set one with `kubectl config use-context <name>`',
    );
  }
  const kc = loadContext(env, name);
  if (!kc)
    throw new NoContextError(
      `no kubeconfig context '${name}' in ${describeKubeconfig(env)}`,
      'list contexts with `kubectl config get-contexts`',
    );
  return new LiveCluster(kc, { retry: retryFromEnv(env), ...options });
}

/**
 * How long to keep retrying an unreachable or overloaded API server: 90 s by default,
 * SOMASTACK_KUBE_RETRY_SECONDS to change it (0 fails at once — what CI wants when it
 * already knows there is no cluster).
 */
export function retryFromEnv(env: Record<string, string | undefined>): RetryPolicy {
  const raw = env.SOMASTACK_KUBE_RETRY_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_RETRY;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new UserError(`SOMASTACK_KUBE_RETRY_SECONDS must be a number of seconds, not '${raw}'`);
  return {
    ...DEFAULT_RETRY,
    initialDelayMs: Math.min(DEFAULT_RETRY.initialDelayMs, seconds * 250),
    budgetMs: seconds * 1000,
  };
}

export class LiveCluster {
  readonly client: KubeClient;
  readonly context: string;
  readonly server: string;

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    this.client = new KubeClient(kc, options);
    this.context = this.client.context;
    this.server = this.client.server;
  }

  /** Every Argo CD Application in Argo CD's namespace; a clear error when Argo CD is not installed. */
  async applications(namespace = ARGOCD_NAMESPACE): Promise<KubeObject[]> {
    try {
      return await this.client.list('argoproj.io/v1alpha1', 'Application', { namespace });
    } catch (e) {
      if (e instanceof KubeApiError && e.failure === 'not-found') {
        throw new KubeApiError(
          'not-found',
          `Argo CD is not installed on context '${this.context}' (the API server does not serve argoproj.io Applications)`,
          {
            hint: 'install it with `npm run bootstrap`, or judge health from the objects themselves with --direct',
          },
        );
      }
      throw e;
    }
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    return this.client.get(apiVersion, kind, name, namespace);
  }

  list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    return this.client.list(apiVersion, kind, opts);
  }

  /**
   * Server-side apply with dryRun=All: the API server's answer to "what would this object
   * be if applied now", with defaults, admission and `managedFields` for `manager`.
   * Nothing is persisted; force takes the fields over from other managers in the answer only.
   */
  applyDryRun(o: KubeObject, manager: string): Promise<KubeObject> {
    return this.client.serverSideApply(o, { fieldManager: manager, dryRun: true });
  }

  /** Creates the object; unlike KubeClient.create, one that already exists is an error (a conflict). */
  async create(o: KubeObject): Promise<void> {
    const path = await this.client.resourcePath(o.apiVersion, o.kind, o.metadata.namespace);
    await this.client.request('POST', path, `create ${objectRef(o)}`, { body: JSON.stringify(o) });
  }

  /** Deletes with background propagation (a Job's pods go with it); false when it was already gone. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
    return this.client.delete(apiVersion, kind, name, namespace, { propagationPolicy: 'Background' });
  }

  /** A pod's log as text (the last `tailLines` lines). */
  async podLog(namespace: string, pod: string, tailLines = 200): Promise<string> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?tailLines=${tailLines}`;
    return String(
      await this.client.request('GET', path, `read the log of pod ${namespace}/${pod}`, { accept: 'text' }),
    );
  }
}
