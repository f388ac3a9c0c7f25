// The pull-request comment, through @octokit/rest: one comment per PR, found again by a
// hidden marker and updated in place, so a PR never collects a second copy. Requests
// that hit a rate limit wait as GitHub asks (Retry-After / X-RateLimit-Reset) and retry;
// server errors retry with backoff; everything else fails with what to do about it.
import { readFile } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import { ExternalError, InternalError, SomastackError, UserError } from '../core/errors.ts';

/** The hidden first line that marks a comment as this tool's rendered diff. */
export const DIFF_COMMENT_MARKER = '<!-- somastack:rendered-diff -->';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

export interface GithubOptions {
  token: string;
  /** API root; GITHUB_API_URL in Actions (GitHub Enterprise), api.github.com otherwise. */
  baseUrl?: string;
  /** Retries after a rate limit or server error (default 3). */
  maxRetries?: number;
  /** Longest wait for a rate limit before giving up (default 60 s). */
  maxWaitMs?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/** Posting failed: the HTTP status (0 when GitHub was not reached) and what to do. */
export class GithubError extends UserError {
  override name = 'GithubError';
  readonly status: number;
  constructor(status: number, message: string, hint?: string) {
    super(message, hint);
    this.status = status;
  }
}

interface HttpFailure {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function asFailure(e: unknown): HttpFailure | undefined {
  return e && typeof e === 'object' && typeof (e as HttpFailure).status === 'number' ? (e as HttpFailure) : undefined;
}

/** How long GitHub asks us to wait, or undefined when the failure is not a rate limit. */
export function rateLimitWait(f: HttpFailure, now: number): number | undefined {
  const headers = f.response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  if ((f.status === 403 || f.status === 429) && retryAfter !== undefined && !Number.isNaN(Number(retryAfter)))
    return Number(retryAfter) * 1000;
  if ((f.status === 403 || f.status === 429) && String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) + 1000 : 60_000;
  }
  if (f.status === 429) return 60_000;
  return undefined;
}

export function createClient(opts: GithubOptions): Octokit {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const maxRetries = opts.maxRetries ?? 3;
  const maxWait = opts.maxWaitMs ?? 60_000;
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const octokit = new Octokit({
    auth: opts.token,
    baseUrl: opts.baseUrl ?? 'https://api.github.com',
    userAgent: 'somastack-diff',
    log: quiet,
  });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (e) {
        const f = asFailure(e);
        if (!f || attempt >= maxRetries) throw e;
        const wait = rateLimitWait(f, now());
        if (wait !== undefined && wait > maxWait) throw e;
        if (wait === undefined && !(f.status >= 500 || f.status === 0)) throw e;
        await sleep(wait ?? 1000 * 2 ** attempt);
      }
    }
  });
  return octokit;
}

/** Turns an API failure into a message that says what to do next. */
export function explain(e: unknown, pr: PullRequestRef, now = Date.now()): Error {
  const f = asFailure(e);
  if (!f)
    return e instanceof SomastackError
      ? e
      : new ExternalError(
          `GitHub request for ${pr.owner}/${pr.repo}#${pr.number} failed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e, fix: 'check the network and https://www.githubstatus.com, then retry' },
        );
  const where = `${pr.owner}/${pr.repo}#${pr.number}`;
  const wait = rateLimitWait(f, now);
  if (wait !== undefined) {
    return new GithubError(
      f.status,
      `GitHub rate limit reached while commenting on ${where}; still limited after retrying`,
      `try again in about ${Math.ceil(wait / 60_000)} minute(s); the full diff was still written`,
    );
  }
  switch (f.status) {
    case 401:
      return new GithubError(
        401,
        `GitHub rejected the token (401) while commenting on ${where}`,
        'check GITHUB_TOKEN (expired, revoked or mistyped)',
      );
    case 403:
      return new GithubError(
        403,
        `no permission to comment on ${where} (403): ${f.message}`,
        'the workflow needs `permissions: pull-requests: write`; pull requests from forks only get a read-only token',
      );
    case 404:
      return new GithubError(
        404,
        `${where} was not found (404)`,
        'check --repo owner/name and --pr, and that the token can see the repository',
      );
    case 422:
      return new GithubError(
        422,
        `GitHub refused the comment on ${where} (422): ${f.message}`,
        'the comment may be too long; see the full diff file',
      );
    default:
      return new GithubError(
        f.status,
        `GitHub request for ${where} failed (${f.status || 'no response'}): ${f.message}`,
        'check the network and https://www.githubstatus.com, then retry',
      );
  }
}

/** Creates the marked comment, or updates the existing one (the oldest, if several); never touches other comments. */
export async function upsertComment(
  pr: PullRequestRef,
  body: string,
  marker: string,
  opts: GithubOptions,
): Promise<UpsertResult> {
  if (!body.includes(marker))
    throw new InternalError('the comment body must contain its marker, or it could never be found again');
  const octokit = createClient(opts);
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      per_page: 100,
    });
    const ours = comments.filter((c) => c.body?.includes(marker)).sort((a, b) => a.id - b.id)[0];
    if (ours && ours.body === body) return { action: 'unchanged', id: ours.id, url: ours.html_url };
    if (ours) {
      const r = await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: ours.id, body });
      return { action: 'updated', id: r.data.id, url: r.data.html_url };
    }
    const r = await octokit.rest.issues.createComment({
      owner: pr.owner,
      repo: pr.repo,
      issue_number: pr.number,
      body,
    });
    return { action: 'created', id: r.data.id, url: r.data.html_url };
  } catch (e) {
    throw explain(e, pr, (opts.now ?? Date.now)());
  }
}

export interface PostTarget {
  pr: PullRequestRef;
  token: string;
  baseUrl?: string;
}

/**
 * Where to post, from flags first, then the GitHub Actions environment (GITHUB_REPOSITORY,
 * the event payload at GITHUB_EVENT_PATH, GITHUB_TOKEN, GITHUB_API_URL).
 */
export async function resolvePostTarget(
  flags: { repo?: string; pr?: string },
  env: Record<string, string | undefined>,
): Promise<PostTarget> {
  const slug = flags.repo ?? env.GITHUB_REPOSITORY;
  if (!slug)
    throw new UserError(
      '--post needs the repository',
      'pass --repo owner/name (GitHub Actions sets GITHUB_REPOSITORY)',
    );
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(slug);
  if (!m) throw new UserError(`'${slug}' is not a repository name of the form owner/name`, 'pass --repo owner/name');
  const number = flags.pr !== undefined ? parsePr(flags.pr) : await prFromEvent(env.GITHUB_EVENT_PATH);
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  if (!token)
    throw new UserError(
      '--post needs a GitHub token in GITHUB_TOKEN',
      'in a workflow: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`; locally: `GITHUB_TOKEN=$(gh auth token)`',
    );
  return {
    pr: { owner: m[1]!, repo: m[2]!, number },
    token,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  };
}

export function parsePr(value: string): number {
  if (!/^[1-9]\d*$/.test(value))
    throw new UserError(`--pr '${value}' is not a pull request number`, 'pass the number, e.g. --pr 42');
  return Number(value);
}

async function prFromEvent(path: string | undefined): Promise<number> {
  const hint = 'pass --pr <number>, or run in a pull_request workflow (GITHUB_EVENT_PATH)';
  if (!path) throw new UserError('--post needs the pull request number', hint);
  let event: { pull_request?: { number?: unknown }; number?: unknown; issue?: { number?: unknown } };
  try {
    event = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UserError(`could not read the GitHub event payload ${path}: ${(e as Error).message}`, hint);
  }
  const n = event.pull_request?.number ?? event.issue?.number ?? event.number;
  if (typeof n !== 'number') throw new UserError(`the GitHub event at ${path} is not about a pull request`, hint);
  return n;
}
