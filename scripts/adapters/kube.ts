// The Kubernetes API, through @kubernetes/client-node: a client bound to one context
// (loaded and guarded by kubeconfig.ts, re-exported here), with discovery, retries
// for transient failures (connection refused, 429, 5xx) and typed errors for
// permanent ones (401/403/422) that say what failed and on which context.
//
// Requests are authenticated and sent by client-node (KubeConfig.applySecurityAuthentication
// and its fetch library), but bodies are plain JSON: client-node's KubernetesObjectApi
// serializes through its typed models, which silently drops fields it does not model
// (a CRD's `x-kubernetes-preserve-unknown-fields` and `default`, newer API fields) —
// unacceptable when applying Argo CD's CRDs.
import { HttpMethod, IsomorphicFetchHttpLibrary, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { UserError } from '../core/errors.ts';
import type { KubeObject } from '../core/kube.ts';
import { objectRef } from '../core/kube.ts';
import { PROJECT } from '../core/names.ts';
import { guardKindContext, kindContext, kubeconfigPaths, loadContext } from './kubeconfig.ts';

export type KubeErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'invalid' | 'not-found' | 'conflict' | 'transient' | 'other';

/** A failed API call: what was attempted, on which context, and whether retrying could help. */
export class KubeApiError extends UserError {
  override name = 'KubeApiError';
  readonly kind: KubeErrorKind;
  readonly status: number | undefined;
  readonly reason: string;
  constructor(kind: KubeErrorKind, message: string, opts: { status?: number; reason?: string; hint?: string } = {}) {
    super(message, opts.hint);
    this.kind = kind;
    this.status = opts.status;
    this.reason = opts.reason ?? '';
  }
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'transient';
  }
}

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up retrying a transient failure after this long (the API server may still be starting). */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 8_000, budgetMs: 90_000 };

export { guardKindContext, kindContext, kubeconfigPaths, loadContext } from './kubeconfig.ts';

// ---------------------------------------------------------------- client

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface ApplyResult {
  object: KubeObject;
  /** created: did not exist; configured: changed; unchanged: the apply was a no-op. */
  outcome: 'created' | 'configured' | 'unchanged';
}

export interface KubeClientOptions {
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout. */
  timeoutMs?: number;
  fieldManager?: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One context's API: get/list/create/apply/delete on plain objects, with discovery and retries. */
export class KubeClient {
  readonly context: string;
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly fieldManager: string;
  private readonly discovery = new Map<string, Promise<ApiResource[]>>();

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    this.kc = kc;
    this.context = kc.getCurrentContext();
    this.server = kc.getCurrentCluster()?.server ?? '';
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? realSleep;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fieldManager = options.fieldManager ?? PROJECT;
  }

  /** GET a path (e.g. /version, /readyz); JSON or text. */
  async raw(path: string): Promise<unknown> {
    return this.call('GET', path, `GET ${path}`);
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const path = await this.path(apiVersion, kind, namespace, name);
    try {
      return (await this.call('GET', path, `get ${kind} ${name}`)) as KubeObject;
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    const base = await this.path(apiVersion, kind, opts.namespace);
    const query = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    const list = (await this.call('GET', base + query, `list ${kind}`)) as { items?: KubeObject[] };
    // List items carry no apiVersion/kind; give them back so callers can treat them as objects.
    return (list.items ?? []).map((o) => ({ ...o, apiVersion, kind }));
  }

  /** Creates the object; `created: false` when it already exists (a 409 is success for create-if-absent). */
  async create(o: KubeObject): Promise<{ created: boolean }> {
    const path = await this.path(o.apiVersion, o.kind, o.metadata.namespace);
    try {
      await this.call('POST', path, `create ${objectRef(o)}`, { body: JSON.stringify(o), contentType: 'application/json' });
      return { created: true };
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'conflict') return { created: false };
      throw e;
    }
  }

  /** Server-side apply (force: this tool owns what it applies), reporting whether anything changed. */
  async apply(o: KubeObject): Promise<ApplyResult> {
    const before = await this.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
    const path = await this.path(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    const query = `?fieldManager=${encodeURIComponent(this.fieldManager)}&force=true`;
    const after = (await this.call('PATCH', path + query, `apply ${objectRef(o)}`, {
      body: JSON.stringify(o),
      contentType: 'application/apply-patch+yaml',
    })) as KubeObject;
    const outcome = !before ? 'created' : before.metadata.resourceVersion === after.metadata.resourceVersion ? 'unchanged' : 'configured';
    return { object: after, outcome };
  }

  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
    const path = await this.path(apiVersion, kind, namespace, name);
    try {
      await this.call('DELETE', path, `delete ${kind} ${name}`);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'not-found') return false;
      throw e;
    }
  }

  /** Whether the kind is namespaced (from discovery). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)).namespaced;
  }

  private async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
    return `${root}${ns}/${r.name}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private async resource(apiVersion: string, kind: string): Promise<ApiResource> {
    const find = async (refresh: boolean) => {
      if (refresh) this.discovery.delete(apiVersion);
      let p = this.discovery.get(apiVersion);
      if (!p) {
        p = this.discover(apiVersion);
        this.discovery.set(apiVersion, p);
        p.catch(() => this.discovery.delete(apiVersion));
      }
      return (await p).find((r) => r.kind === kind && !r.name.includes('/'));
    };
    // A kind missing from a cached list may have been added since (a CRD just installed).
    const found = (await find(false)) ?? (await find(true));
    if (!found) {
      throw new KubeApiError('not-found', `the API server of context '${this.context}' does not serve ${kind} (${apiVersion})`, {
        hint: kind === 'Application' || kind === 'AppProject' ? 'Argo CD is not installed yet: run `npm run bootstrap`' : 'check the apiVersion, or install the CRD that defines it',
      });
    }
    return found;
  }

  private async discover(apiVersion: string): Promise<ApiResource[]> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    try {
      const list = (await this.call('GET', path, `discover ${apiVersion}`)) as { resources?: ApiResource[] };
      return list.resources ?? [];
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'not-found') return [];
      throw e;
    }
  }

  /** One API call with retries for transient failures, within the retry budget. */
  private async call(method: string, path: string, what: string, body?: { body: string; contentType: string }): Promise<unknown> {
    const start = Date.now();
    let delay = this.retry.initialDelayMs;
    for (;;) {
      try {
        return await this.once(method, path, what, body);
      } catch (e) {
        if (!(e instanceof KubeApiError) || !e.transient || Date.now() - start + delay > this.retry.budgetMs) throw e;
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  private async once(method: string, path: string, what: string, body?: { body: string; contentType: string }): Promise<unknown> {
    const ctx = new RequestContext(this.server.replace(/\/+$/, '') + path, method as HttpMethod);
    ctx.setHeaderParam('Accept', 'application/json');
    if (body) {
      ctx.setHeaderParam('Content-Type', body.contentType);
      ctx.setBody(body.body);
    }
    ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
    let status: number;
    let text: string;
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (e) {
      throw new KubeApiError('other', `cannot authenticate to context '${this.context}': ${(e as Error).message}`, {
        hint: `check the cluster and user entries of context '${this.context}' in your kubeconfig`,
      });
    }
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (e) {
      throw this.networkError(e, what);
    }
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return parsed ?? text;
    throw this.statusError(status, parsed, text, what);
  }

  private networkError(e: unknown, what: string): KubeApiError {
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.cause?.code ?? err.name ?? 'error';
    const detail = err.cause?.message ?? err.message ?? String(e);
    return new KubeApiError('unreachable', `could not reach the cluster at ${this.server} (context '${this.context}') to ${what}: ${detail} (${code})`, {
      reason: code,
      hint: 'is the cluster running? check `docker ps` and `kind get clusters`; a Kind cluster that was stopped starts again with `docker start <name>-control-plane`',
    });
  }

  private statusError(status: number, parsed: unknown, text: string, what: string): KubeApiError {
    const s = (parsed ?? {}) as { reason?: string; message?: string };
    const message = s.message ?? text.trim().slice(0, 300) ?? '';
    const reason = s.reason ?? '';
    const at = `${what} on context '${this.context}'`;
    if (status === 401) return new KubeApiError('unauthorized', `not authenticated to ${at}: ${message}`, { status, reason, hint: `the credentials for context '${this.context}' were rejected; for Kind, \`kind export kubeconfig --name <name>\` rewrites them` });
    if (status === 403) return new KubeApiError('forbidden', `no permission to ${at}: ${message}`, { status, reason, hint: `the user of context '${this.context}' needs rights to do this` });
    if (status === 404) return new KubeApiError('not-found', `${what}: not found (${message})`, { status, reason });
    if (status === 409) return new KubeApiError('conflict', `${what}: ${message}`, { status, reason });
    if (status === 400 || status === 422) return new KubeApiError('invalid', `the API server rejected ${at}: ${message}`, { status, reason, hint: 'the object does not match the schema the cluster serves' });
    if (status === 429 || status >= 500) return new KubeApiError('transient', `the API server answered ${status} to ${at}: ${message}`, { status, reason, hint: 'the API server is overloaded or still starting; try again in a minute' });
    return new KubeApiError('other', `the API server answered ${status} to ${at}: ${message}`, { status, reason });
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the context, checks it is the project's Kind cluster, and returns a client for it. */
export function connectKind(env: Record<string, string | undefined>, kindName: string, options: KubeClientOptions = {}): KubeClient {
  const context = kindContext(kindName);
  const kc = loadContext(env, context);
  if (!kc) {
    throw new UserError(
      `no kubeconfig context '${context}' in ${kubeconfigPaths(env).join(', ')}`,
      `restore it with \`kind export kubeconfig --name ${kindName}\`, or recreate the cluster with \`npm run bootstrap\``,
    );
  }
  guardKindContext(kc, kindName);
  return new KubeClient(kc, options);
}
