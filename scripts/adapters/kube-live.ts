// Read-side cluster access for `status`, `drift` and `smoke`: the kubeconfig's current
// context (or --context), Argo CD Applications, live objects, server-side apply DRY-RUNS,
// pod logs, and the short-lived Jobs smoke checks run. Built on KubeClient (kube.ts) for
// discovery, retries and typed errors; the few calls KubeClient does not offer (dry-run
// apply, delete with propagation) go through `send` below with the same error kinds.
import { existsSync, readFileSync } from 'node:fs';
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { ClusterConfig } from '../core/cluster-config.ts';
import { UserError } from '../core/errors.ts';
import { objectRef, type KubeObject } from '../core/kube.ts';
import { ARGOCD_NAMESPACE } from '../core/names.ts';
import { loadCluster, loadClusters } from './inputs.ts';
import { DEFAULT_RETRY, KubeApiError, KubeClient, kubeconfigPaths, loadContext, type KubeClientOptions, type RetryPolicy } from './kube.ts';

/** The context kubectl would use: the first kubeconfig file that sets current-context. */
export function currentContext(env: Record<string, string | undefined>): string | undefined {
  for (const file of kubeconfigPaths(env)) {
    if (!existsSync(file)) continue;
    const kc = new KubeConfig();
    try {
      kc.loadFromString(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UserError(`cannot read kubeconfig ${file}: ${(e as Error).message}`, 'fix or remove the file (or point KUBECONFIG elsewhere)');
    }
    if (kc.currentContext) return kc.currentContext;
  }
  return undefined;
}

/** Connects to `context` (default: the current one). Reads only; nothing is checked against Kind here. */
export function connectLive(env: Record<string, string | undefined>, context?: string, options: KubeClientOptions = {}): LiveCluster {
  const name = context ?? currentContext(env);
  if (!name) {
    throw new UserError(`no current context in ${kubeconfigPaths(env).join(', ')}`, 'pass --context <name>, or create the local cluster with `npm run bootstrap`');
  }
  const kc = loadContext(env, name);
  if (!kc) throw new UserError(`no kubeconfig context '${name}' in ${kubeconfigPaths(env).join(', ')}`, 'list contexts with `kubectl config get-contexts`');
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
  if (!Number.isFinite(seconds) || seconds < 0) throw new UserError(`SOMASTACK_KUBE_RETRY_SECONDS must be a number of seconds, not '${raw}'`);
  return { ...DEFAULT_RETRY, initialDelayMs: Math.min(DEFAULT_RETRY.initialDelayMs, seconds * 250), budgetMs: seconds * 1000 };
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LiveCluster {
  readonly client: KubeClient;
  readonly context: string;
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly plurals = new Map<string, Promise<{ name: string; kind: string; namespaced: boolean }[]>>();

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    this.kc = kc;
    this.client = new KubeClient(kc, options);
    this.context = this.client.context;
    this.server = this.client.server;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Every Argo CD Application in Argo CD's namespace; a clear error when Argo CD is not installed. */
  async applications(namespace = ARGOCD_NAMESPACE): Promise<KubeObject[]> {
    try {
      return await this.client.list('argoproj.io/v1alpha1', 'Application', { namespace });
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'not-found') {
        throw new KubeApiError('not-found', `Argo CD is not installed on context '${this.context}' (the API server does not serve argoproj.io Applications)`, {
          hint: 'install it with `npm run bootstrap`, or judge health from the objects themselves with --direct',
        });
      }
      throw e;
    }
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    return this.client.get(apiVersion, kind, name, namespace);
  }

  list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    return this.client.list(apiVersion, kind, opts);
  }

  /**
   * Server-side apply with dryRun=All: the API server's answer to "what would this object
   * be if applied now", with defaults, admission and `managedFields` for `manager`.
   * Nothing is persisted; force takes the fields over from other managers in the answer only.
   */
  async applyDryRun(o: KubeObject, manager: string): Promise<KubeObject> {
    const path = await this.path(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    const query = `?dryRun=All&force=true&fieldManager=${encodeURIComponent(manager)}`;
    return (await this.send('PATCH', path + query, `dry-run apply ${objectRef(o)}`, JSON.stringify(o), 'application/apply-patch+yaml')) as KubeObject;
  }

  async create(o: KubeObject): Promise<void> {
    const path = await this.path(o.apiVersion, o.kind, o.metadata.namespace);
    await this.send('POST', path, `create ${objectRef(o)}`, JSON.stringify(o), 'application/json');
  }

  /** Deletes with background propagation (a Job's pods go with it); false when it was already gone. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
    const path = await this.path(apiVersion, kind, namespace, name);
    try {
      await this.send('DELETE', `${path}?propagationPolicy=Background`, `delete ${kind} ${name}`);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'not-found') return false;
      throw e;
    }
  }

  /** A pod's log as text (the last `tailLines` lines). */
  async podLog(namespace: string, pod: string, tailLines = 200): Promise<string> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?tailLines=${tailLines}`;
    const out = await this.send('GET', path, `read the log of pod ${namespace}/${pod}`, undefined, undefined, 'text');
    return typeof out === 'string' ? out : JSON.stringify(out);
  }

  private async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    let p = this.plurals.get(apiVersion);
    if (!p) {
      const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = (this.client.raw(root) as Promise<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>).then((l) => l.resources ?? []);
      this.plurals.set(apiVersion, p);
      p.catch(() => this.plurals.delete(apiVersion));
    }
    const r = (await p).find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) throw new KubeApiError('not-found', `the API server of context '${this.context}' does not serve ${kind} (${apiVersion})`, { hint: 'install the CRD that defines it' });
    const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
    return `${root}${ns}/${r.name}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** One request with KubeClient's retry rule: transient failures are retried within the budget. */
  private async send(method: string, path: string, what: string, body?: string, contentType?: string, accept: 'json' | 'text' = 'json'): Promise<unknown> {
    const start = Date.now();
    let delay = this.retry.initialDelayMs;
    for (;;) {
      try {
        return await this.once(method, path, what, body, contentType, accept);
      } catch (e) {
        if (!(e instanceof KubeApiError) || !e.transient || Date.now() - start + delay > this.retry.budgetMs) throw e;
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  private async once(method: string, path: string, what: string, body: string | undefined, contentType: string | undefined, accept: 'json' | 'text'): Promise<unknown> {
    const ctx = new RequestContext(this.server.replace(/\/+$/, '') + path, method as HttpMethod);
    ctx.setHeaderParam('Accept', accept === 'json' ? 'application/json' : '*/*');
    if (body !== undefined && contentType) {
      ctx.setHeaderParam('Content-Type', contentType);
      ctx.setBody(body);
    }
    ctx.setSignal(AbortSignal.timeout(30_000));
    await this.kc.applySecurityAuthentication(ctx);
    let status: number;
    let text: string;
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (e) {
      const err = e as { message?: string; cause?: { code?: string; message?: string } };
      throw new KubeApiError('unreachable', `could not reach the cluster at ${this.server} (context '${this.context}') to ${what}: ${err.cause?.message ?? err.message ?? String(e)}`, {
        reason: err.cause?.code ?? 'error',
        hint: 'is the cluster running? check `kubectl cluster-info` for this context',
      });
    }
    if (status >= 200 && status < 300) return accept === 'text' ? text : parseJson(text);
    throw statusError(status, parseJson(text), text, `${what} on context '${this.context}'`);
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function statusError(status: number, parsed: unknown, text: string, what: string): KubeApiError {
  const s = (parsed && typeof parsed === 'object' ? parsed : {}) as { reason?: string; message?: string };
  const message = s.message ?? text.trim().slice(0, 300);
  const opts = { status, reason: s.reason ?? '' };
  if (status === 401) return new KubeApiError('unauthorized', `not authenticated to ${what}: ${message}`, { ...opts, hint: 'the credentials of this context were rejected' });
  if (status === 403) return new KubeApiError('forbidden', `no permission to ${what}: ${message}`, { ...opts, hint: 'the user of this context needs rights to do this' });
  if (status === 404) return new KubeApiError('not-found', `${what}: not found (${message})`, opts);
  if (status === 409) return new KubeApiError('conflict', `${what}: ${message}`, opts);
  if (status === 400 || status === 422) return new KubeApiError('invalid', `the API server rejected ${what}: ${message}`, opts);
  if (status === 429 || status >= 500) return new KubeApiError('transient', `the API server answered ${status} to ${what}: ${message}`, { ...opts, hint: 'try again in a minute' });
  return new KubeApiError('other', `the API server answered ${status} to ${what}: ${message}`, opts);
}

/**
 * The cluster.yaml whose desired state describes this context: `--cluster` when given,
 * else the Kind cluster whose context this is, else the only cluster there is.
 */
export async function pickCluster(root: string, name: string | undefined, context: string): Promise<ClusterConfig> {
  if (name) return loadCluster(root, name);
  const all = await loadClusters(root);
  const byKind = all.find((c) => c.kind && `kind-${c.kind.name}` === context);
  if (byKind) return byKind;
  if (all.length === 1) return all[0]!;
  throw new UserError(`cannot tell which cluster under clusters/ context '${context}' is`, `pass --cluster <name> (one of: ${all.map((c) => c.name).join(', ')})`);
}
