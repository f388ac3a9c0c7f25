// The Kubernetes API, through @kubernetes/client-node: a client bound to one context
// (loaded and guarded by kubeconfig.ts, re-exported here), with discovery, retries
// for transient failures (connection refused, 429, 5xx) and typed errors for
// permanent ones (401/403/422) that say what failed and on which context
// (kube-errors.ts, re-exported here). This is the one place that sends requests: other
// adapters (kube-live.ts) build on `resourcePath` and `request`.
//
// Requests are authenticated and sent by client-node (KubeConfig.applySecurityAuthentication
// and its fetch library), but bodies are plain JSON: client-node's KubernetesObjectApi
// serializes through its typed models, which silently drops fields it does not model
// (a CRD's `x-kubernetes-preserve-unknown-fields` and `default`, newer API fields) —
// unacceptable when applying Argo CD's CRDs.
import { readFileSync } from 'node:fs';
import { HttpMethod, IsomorphicFetchHttpLibrary, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { NoContextError } from '../core/errors.ts';
import type { KubeObject } from '../core/kube.ts';
import { objectRef } from '../core/kube.ts';
import { PROJECT } from '../core/names.ts';
import { sameContent } from './kube-content.ts';
import { DEFAULT_RETRY, printRetry, realSleep, type RetryNotice, type RetryPolicy } from './kube-retry.ts';
import { authError, isHtmlAnswer, KubeApiError, networkError, notKubernetes, statusError } from './kube-errors.ts';
import { describeKubeconfig, guardKindContext, kindContext, loadContext } from './kubeconfig.ts';

export { guardKindContext, kindContext, kubeconfigPaths, loadContext } from './kubeconfig.ts';
export { sameContent } from './kube-content.ts';
export { DEFAULT_RETRY, describeRetry, type RetryNotice, type RetryPolicy } from './kube-retry.ts';
export { KubeApiError, type KubeErrorKind } from './kube-errors.ts';

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

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface RequestOptions {
  body?: string;
  /** Of the body; application/json unless given. */
  contentType?: string;
  /** json (default): Accept application/json, answer parsed; text: the answer as text. */
  accept?: 'json' | 'text';
}

export interface KubeClientOptions {
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Told before every retry; the default prints one line on stderr, so a wait is never silent. */
  onRetry?: (notice: RetryNotice) => void;
  /** Per-request timeout. */
  timeoutMs?: number;
  fieldManager?: string;
}

/** One context's API: get/list/create/apply/delete on plain objects, with discovery and retries. */
export class KubeClient {
  readonly context: string;
  readonly server: string;
  private readonly kc: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: (notice: RetryNotice) => void;
  private readonly timeoutMs: number;
  private readonly fieldManager: string;
  private readonly discovery = new Map<string, Promise<ApiResource[]>>();
  private isKubernetes: Promise<void> | undefined;

  constructor(kc: KubeConfig, options: KubeClientOptions = {}) {
    this.kc = kc;
    this.context = kc.getCurrentContext();
    this.server = kc.getCurrentCluster()?.server ?? '';
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? realSleep;
    this.onRetry = options.onRetry ?? printRetry;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fieldManager = options.fieldManager ?? PROJECT;
  }

  /**
   * The CA bundle this context trusts for its server, base64-encoded PEM as Argo CD's
   * tlsClientConfig.caData wants it; undefined when the context names none (system roots).
   */
  certificateAuthority(): string | undefined {
    const cluster = this.kc.getCurrentCluster();
    if (cluster?.caData) return cluster.caData;
    if (cluster?.caFile) return readFileSync(cluster.caFile).toString('base64');
    return undefined;
  }

  /** GET a path (e.g. /version, /readyz); JSON or text. */
  async raw(path: string): Promise<unknown> {
    return this.request('GET', path, `GET ${path}`);
  }

  async get(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const path = await this.resourcePath(apiVersion, kind, namespace, name);
    try {
      return (await this.request('GET', path, `get ${kind} ${name}`)) as KubeObject;
    } catch (e) {
      if (e instanceof KubeApiError && e.failure === 'not-found') return undefined;
      throw e;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    const base = await this.resourcePath(apiVersion, kind, opts.namespace);
    const query = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    const list = (await this.request('GET', base + query, `list ${kind}`)) as { items?: KubeObject[] };
    // List items carry no apiVersion/kind; give them back so callers can treat them as objects.
    return (list.items ?? []).map((o) => ({ ...o, apiVersion, kind }));
  }

  /** Creates the object; `created: false` when it already exists (a 409 is success for create-if-absent). */
  async create(o: KubeObject): Promise<{ created: boolean }> {
    const path = await this.resourcePath(o.apiVersion, o.kind, o.metadata.namespace);
    try {
      await this.request('POST', path, `create ${objectRef(o)}`, {
        body: JSON.stringify(o),
        contentType: 'application/json',
      });
      return { created: true };
    } catch (e) {
      if (e instanceof KubeApiError && e.failure === 'conflict') return { created: false };
      throw e;
    }
  }

  /**
   * Server-side apply (force: this tool owns what it applies), reporting whether anything
   * changed. Judged on content, not resourceVersion: a controller writing status between
   * the GET and the PATCH (Argo CD does, on Applications) or a no-op apply the server
   * normalises also move resourceVersion, and are not changes of ours.
   */
  async apply(o: KubeObject): Promise<ApplyResult> {
    const before = await this.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
    const after = await this.serverSideApply(o);
    const outcome = !before ? 'created' : sameContent(before, after) ? 'unchanged' : 'configured';
    return { object: after, outcome };
  }

  /**
   * One forced server-side apply PATCH, answered with the object as the API server has it
   * afterwards. `dryRun` persists nothing (the answer is what the object would be);
   * `fieldManager` defaults to this client's.
   */
  async serverSideApply(o: KubeObject, opts: { fieldManager?: string; dryRun?: boolean } = {}): Promise<KubeObject> {
    const path = await this.resourcePath(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    const query = `?${opts.dryRun ? 'dryRun=All&' : ''}fieldManager=${encodeURIComponent(opts.fieldManager ?? this.fieldManager)}&force=true`;
    const what = `${opts.dryRun ? 'dry-run ' : ''}apply ${objectRef(o)}`;
    return (await this.request('PATCH', path + query, what, {
      body: JSON.stringify(o),
      contentType: 'application/apply-patch+yaml',
    })) as KubeObject;
  }

  /** Deletes; false when it was already gone. `Background` propagation removes dependents (a Job's pods) too. */
  async delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
    opts: { propagationPolicy?: PropagationPolicy } = {},
  ): Promise<boolean> {
    const path = await this.resourcePath(apiVersion, kind, namespace, name);
    const query = opts.propagationPolicy ? `?propagationPolicy=${opts.propagationPolicy}` : '';
    try {
      await this.request('DELETE', path + query, `delete ${kind} ${name}`);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.failure === 'not-found') return false;
      throw e;
    }
  }

  /** Whether the kind is namespaced (from discovery). */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return (await this.resource(apiVersion, kind)).namespaced;
  }

  /** The URL path of a kind's collection, or of one object when `name` is given (plural from discovery). */
  async resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
    return `${groupPath(apiVersion)}${ns}/${r.name}${name ? `/${encodeURIComponent(name)}` : ''}`;
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
      throw new KubeApiError(
        'not-found',
        `the API server of context '${this.context}' does not serve ${kind} (${apiVersion})`,
        {
          hint:
            kind === 'Application' || kind === 'AppProject'
              ? 'Argo CD is not installed yet: run `npm run bootstrap`'
              : 'check the apiVersion, or install the CRD that defines it',
        },
      );
    }
    return found;
  }

  private async discover(apiVersion: string): Promise<ApiResource[]> {
    try {
      const list = (await this.request('GET', groupPath(apiVersion), `discover ${apiVersion}`)) as {
        resources?: ApiResource[];
      };
      return list.resources ?? [];
    } catch (e) {
      if (!(e instanceof KubeApiError && e.failure === 'not-found')) throw e;
      // A group that is not served is normal (Argo CD not installed yet); but a server that
      // answers 404 to everything is not Kubernetes, and must not be reported as a missing CRD.
      await (this.isKubernetes ??= this.checkKubernetes());
      return [];
    }
  }

  /** Every Kubernetes API server answers GET /api with its APIVersions. */
  private async checkKubernetes(): Promise<void> {
    const answer = await this.request('GET', '/api', 'discover the API').catch((e: unknown) => {
      if (e instanceof KubeApiError && e.failure === 'not-found') return undefined;
      throw e;
    });
    if ((answer as { kind?: unknown } | undefined)?.kind !== 'APIVersions') {
      throw notKubernetes(
        this,
        answer === undefined ? 'GET /api answered 404' : 'GET /api did not answer with the API versions it serves',
      );
    }
  }

  /**
   * One API call to `path` (with its query), retried on transient failures within the
   * retry budget; other failures throw KubeApiError at once. `what` names the action in
   * messages ("create Job/ns/x"). The answer is parsed JSON (or the text when it is not
   * JSON); `accept: 'text'` asks for and returns plain text (pod logs).
   */
  async request(method: HttpVerb, path: string, what: string, opts: RequestOptions = {}): Promise<unknown> {
    const start = Date.now();
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, what, opts);
      } catch (e) {
        if (!(e instanceof KubeApiError) || !e.transient || Date.now() - start + delay > this.retry.budgetMs) throw e;
        this.onRetry({
          attempt,
          what,
          error: e,
          delayMs: delay,
          remainingMs: this.retry.budgetMs - (Date.now() - start) - delay,
        });
        await this.sleep(delay);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }

  private async once(method: HttpVerb, path: string, what: string, opts: RequestOptions): Promise<unknown> {
    const ctx = new RequestContext(this.server.replace(/\/+$/, '') + path, method as HttpMethod);
    ctx.setHeaderParam('Accept', opts.accept === 'text' ? '*/*' : 'application/json');
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(opts.body);
    }
    ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (e) {
      throw authError(e, this);
    }
    let status: number;
    let text: string;
    let contentType: string | undefined;
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      contentType = res.headers['content-type'];
      text = await res.body.text();
    } catch (e) {
      throw networkError(e, what, this);
    }
    if (isHtmlAnswer(contentType, opts.accept === 'text' ? '' : text)) throw htmlAnswer(status, what, this);
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return opts.accept === 'text' ? text : (parsed ?? text);
    throw statusError(status, parsed, text, what, this);
  }
}

/**
 * An HTML page instead of an API answer. From a gateway (502-504) it is a proxy whose API
 * server behind may still be starting: retried. Any other HTML answer means the address is
 * not a Kubernetes API server at all, which no retry can change.
 */
function htmlAnswer(status: number, what: string, at: KubeClient): KubeApiError {
  if (status >= 502 && status <= 504) {
    return new KubeApiError(
      'transient',
      `a proxy in front of context '${at.context}' answered ${status} (an HTML page) to ${what}`,
      { status, hint: 'the API server behind the proxy is not answering; try again in a minute' },
    );
  }
  return notKubernetes(at, `it answered ${what} with an HTML page (HTTP ${status})`);
}

const groupPath = (apiVersion: string) => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the context, checks it is the project's Kind cluster, and returns a client for it. */
export function connectKind(
  env: Record<string, string | undefined>,
  kindName: string,
  options: KubeClientOptions = {},
): KubeClient {
  const context = kindContext(kindName);
  const kc = loadContext(env, context);
  if (!kc) {
    throw new NoContextError(
      `no kubeconfig context '${context}' in ${describeKubeconfig(env)}`,
      `restore it with \`kind export kubeconfig --name ${kindName}\`, or recreate the cluster with \`npm run bootstrap\``,
    );
  }
  guardKindContext(kc, kindName);
  return new KubeClient(kc, options);
}
