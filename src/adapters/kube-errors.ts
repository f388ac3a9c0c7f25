// How an API call's outcome becomes a typed error: KubeApiError with a kind callers branch
// on (not-found, conflict, transient...) and a message that says what was attempted, on
// which context, and what to do next. KubeClient (kube.ts) is the only user; kube.ts
// re-exports the public part so callers import errors from one place.
import { ExternalError } from '../core/errors.ts';

/**
 * `unreachable` and `transient` are retried; the rest are permanent. `not-kubernetes`: something
 * answered, but not a Kubernetes API server (an HTML page, no /api); `bad-address`: the
 * kubeconfig's server address cannot work as written (a host name that does not resolve).
 */
export type KubeErrorKind =
  | 'unreachable'
  | 'bad-address'
  | 'not-kubernetes'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'transient'
  | 'other';

/** A failed API call: what was attempted, on which context, and whether retrying could help. */
export class KubeApiError extends ExternalError {
  override name = 'KubeApiError';
  /** What kind of failure, for callers that branch on it (retry, treat as absent...). */
  readonly failure: KubeErrorKind;
  readonly status: number | undefined;
  readonly reason: string;
  constructor(
    failure: KubeErrorKind,
    message: string,
    opts: { status?: number; reason?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { fix: opts.hint, cause: opts.cause });
    this.failure = failure;
    this.status = opts.status;
    this.reason = opts.reason ?? '';
  }
  get transient(): boolean {
    return this.failure === 'unreachable' || this.failure === 'transient';
  }
}

/** The API server a request went to, for messages. */
export interface Endpoint {
  context: string;
  server: string;
}

export function authError(e: unknown, at: Endpoint): KubeApiError {
  return new KubeApiError('other', `cannot authenticate to context '${at.context}': ${(e as Error).message}`, {
    hint: `check the cluster and user entries of context '${at.context}' in your kubeconfig`,
  });
}

// TLS/certificate failures (Node's and OpenSSL's codes): the server answered, but not with a
// certificate the kubeconfig trusts. Retrying cannot help; a stale kubeconfig is the usual cause.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO_SELF_SIGNED_CERT)|CERT/;

export function isTlsCode(code: string): boolean {
  return TLS_CODE.test(code);
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  cause?: unknown;
}

/** The innermost error with a code (fetch wraps the socket's error in `cause`, sometimes twice). */
function rootCause(e: unknown): { code: string | undefined; message: string } {
  let found: { code: string | undefined; message: string } = {
    code: undefined,
    message: (e as ErrorLike)?.message ?? String(e),
  };
  for (
    let cur = e as ErrorLike | undefined, depth = 0;
    cur && typeof cur === 'object' && depth < 5;
    cur = cur.cause as ErrorLike | undefined, depth++
  ) {
    if (typeof cur.code === 'string') found = { code: cur.code, message: cur.message ?? found.message };
    else if (depth > 0 && cur.message) found = { code: found.code, message: cur.message };
  }
  return found;
}

function inChain(e: unknown, test: (x: ErrorLike) => boolean): boolean {
  for (
    let cur = e as ErrorLike | undefined, depth = 0;
    cur && typeof cur === 'object' && depth < 5;
    cur = cur.cause as ErrorLike | undefined, depth++
  ) {
    if (test(cur)) return true;
  }
  return false;
}

/** The kubeconfig refresh command for a context: Kind's own for `kind-<name>`. */
function refreshHint(context: string): string {
  const kind = /^kind-(.+)$/.exec(context);
  const refresh = kind
    ? `\`kind export kubeconfig --name ${kind[1]}\` rewrites it`
    : `fetch a current kubeconfig for context '${context}' from whoever runs the cluster`;
  return `the kubeconfig's certificate authority for context '${context}' does not match the API server's certificate (the cluster was recreated, or the kubeconfig is stale): ${refresh}`;
}

// Network failures that retrying cannot cure: the host name does not resolve (EAI_AGAIN, a
// resolver hiccup, stays transient), the URL is malformed, or what answered does not speak
// HTTP (undici's parser errors, HPE_*). A refused connection stays transient on purpose:
// it is exactly what an API server that is still starting (or a Kind node restarting) answers.
const PERMANENT_NETWORK = /^(ENOTFOUND|ERR_INVALID_URL|HPE_)/;

/** No HTTP answer at all (refused, reset, timed out), or a TLS handshake that failed (permanent). */
export function networkError(e: unknown, what: string, at: Endpoint): KubeApiError {
  const cause = rootCause(e);
  const code = cause.code ?? (e as ErrorLike)?.name ?? 'error';
  if (isTlsCode(code)) {
    return new KubeApiError(
      'tls',
      `the API server at ${at.server} (context '${at.context}') presented a certificate that is not trusted, so could not ${what}: ${cause.message} (${code})`,
      {
        reason: code,
        hint: refreshHint(at.context),
      },
    );
  }
  if (code.startsWith('HPE_') || inChain(e, (x) => x.name === 'HTTPParserError'))
    return notKubernetes(at, `it does not answer in HTTP (${cause.message})`);
  if (PERMANENT_NETWORK.test(code)) {
    return new KubeApiError(
      'bad-address',
      `the API server address ${at.server} of context '${at.context}' cannot be reached as written, so could not ${what}: ${cause.message} (${code})`,
      {
        reason: code,
        hint: `check the \`server:\` of the cluster entry for context '${at.context}' in your kubeconfig (\`kubectl config view --minify --context ${at.context}\`)`,
      },
    );
  }
  return new KubeApiError(
    'unreachable',
    `could not reach the cluster at ${at.server} (context '${at.context}') to ${what}: ${cause.message} (${code})`,
    {
      reason: code,
      hint: 'is the cluster running? check `docker ps` and `kind get clusters`; a Kind cluster that was stopped starts again with `docker start <name>-control-plane`',
    },
  );
}

/** Something answered at the context's address, but it is not a Kubernetes API server. */
export function notKubernetes(at: Endpoint, detail: string): KubeApiError {
  return new KubeApiError(
    'not-kubernetes',
    `the server at ${at.server} (context '${at.context}') is not a Kubernetes API server: ${detail}`,
    {
      hint: `the kubeconfig's \`server:\` for context '${at.context}' points at another service (a web server, a proxy): check it with \`kubectl config view --minify --context ${at.context}\`, or pass --context <name>`,
    },
  );
}

/** True when an answer is a web page rather than what an API server sends (JSON, or plain text for logs). */
export function isHtmlAnswer(contentType: string | undefined, text: string): boolean {
  if (contentType && /\btext\/html\b/i.test(contentType)) return true;
  if (contentType && /json|text\/plain|yaml|protobuf/i.test(contentType)) return false;
  return /^\s*<(!doctype\s+html|html)\b/i.test(text);
}

/** A non-2xx answer; `parsed` is the body as JSON when it was JSON (a Status object, usually). */
export function statusError(status: number, parsed: unknown, text: string, what: string, at: Endpoint): KubeApiError {
  const s = (parsed && typeof parsed === 'object' ? parsed : {}) as { reason?: string; message?: string };
  const message = s.message ?? text.trim().slice(0, 300);
  const opts = { status, reason: s.reason ?? '' };
  const on = `${what} on context '${at.context}'`;
  if (status === 401)
    return new KubeApiError('unauthorized', `not authenticated to ${on}: ${message}`, {
      ...opts,
      hint: `the credentials for context '${at.context}' were rejected; for Kind, \`kind export kubeconfig --name <name>\` rewrites them`,
    });
  if (status === 403)
    return new KubeApiError('forbidden', `no permission to ${on}: ${message}`, {
      ...opts,
      hint: `the user of context '${at.context}' needs rights to do this`,
    });
  if (status === 404) return new KubeApiError('not-found', `${what}: not found (${message})`, opts);
  if (status === 409) return new KubeApiError('conflict', `${what}: ${message}`, opts);
  if (status === 400 || status === 422)
    return new KubeApiError('invalid', `the API server rejected ${on}: ${message}`, {
      ...opts,
      hint: 'the object does not match the schema the cluster serves',
    });
  if (status === 429 || status >= 500)
    return new KubeApiError('transient', `the API server answered ${status} to ${on}: ${message}`, {
      ...opts,
      hint: 'the API server is overloaded or still starting; try again in a minute',
    });
  return new KubeApiError('other', `the API server answered ${status} to ${on}: ${message}`, opts);
}
