import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DIFF_COMMENT_MARKER,
  GithubError,
  rateLimitWait,
  resolvePostTarget,
  upsertComment,
} from '../../src/adapters/github.ts';
import { UserError } from '../../src/core/errors.ts';
import { startFakeGithub, type FakeGithub } from './fake-github.ts';
import { tempDir } from '../support/temp.ts';

const PR = { owner: 'soma', repo: 'somastack', number: 7 };
const TOKEN = 'ghs_test_token';
let gh: FakeGithub;
let slept: number[];
const opts = () => ({
  token: TOKEN,
  baseUrl: gh.url,
  sleep: async (ms: number) => void slept.push(ms),
  now: () => 1_700_000_000_000,
});
const body = (text: string) => `${DIFF_COMMENT_MARKER}\n${text}`;

beforeEach(async () => {
  gh = await startFakeGithub({ token: TOKEN, owner: PR.owner, repo: PR.repo, pr: PR.number, perPage: 2 });
  slept = [];
});
afterEach(() => gh.close());

describe('upsertComment against a fake GitHub API', () => {
  it('creates the comment on the first post and updates the same one on the second, leaving others alone', async () => {
    gh.comments.push({
      id: 1,
      body: '<!-- other-tool -->\nCoverage: 91%',
      user: { login: 'codecov[bot]' },
      html_url: 'x',
    });
    gh.comments.push({ id: 2, body: 'LGTM', user: { login: 'reviewer' }, html_url: 'y' });
    const first = await upsertComment(PR, body('first'), DIFF_COMMENT_MARKER, opts());
    expect(first.action).toBe('created');
    const second = await upsertComment(PR, body('second'), DIFF_COMMENT_MARKER, opts());
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(gh.comments.map((c) => c.body)).toEqual(['<!-- other-tool -->\nCoverage: 91%', 'LGTM', body('second')]);
    expect(gh.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('finds its comment on a later page of the list', async () => {
    for (let i = 1; i <= 5; i++)
      gh.comments.push({ id: i, body: i === 4 ? body('old') : `comment ${i}`, user: { login: 'u' }, html_url: '' });
    const r = await upsertComment(PR, body('new'), DIFF_COMMENT_MARKER, opts());
    expect(r).toMatchObject({ action: 'updated', id: 4 });
    expect(gh.requests.filter((x) => x.method === 'GET').length).toBe(3);
    expect(gh.comments).toHaveLength(5);
  });

  it('does not write when the comment already says the same', async () => {
    await upsertComment(PR, body('same'), DIFF_COMMENT_MARKER, opts());
    const r = await upsertComment(PR, body('same'), DIFF_COMMENT_MARKER, opts());
    expect(r.action).toBe('unchanged');
    expect(gh.requests.filter((x) => x.method !== 'GET')).toHaveLength(1);
  });

  it('waits as long as Retry-After says on a rate limit, then succeeds', async () => {
    gh.failures.push({
      status: 403,
      headers: { 'retry-after': '3' },
      message: 'You have exceeded a secondary rate limit',
    });
    gh.failures.push({ status: 429, headers: { 'retry-after': '1' }, message: 'Too many requests' });
    const r = await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, opts());
    expect(r.action).toBe('created');
    expect(slept).toEqual([3000, 1000]);
  });

  it('gives up clearly when still rate limited after the retries', async () => {
    for (let i = 0; i < 4; i++)
      gh.failures.push({ status: 429, headers: { 'retry-after': '2' }, message: 'Too many requests' });
    const e = await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, opts()).catch((x) => x);
    expect(e).toBeInstanceOf(GithubError);
    expect(e.message).toContain('rate limit');
    expect(slept).toHaveLength(3);
    expect(gh.comments).toHaveLength(0);
  });

  it('retries server errors with backoff', async () => {
    gh.failures.push({ status: 502, message: 'Bad gateway' });
    expect((await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, opts())).action).toBe('created');
    expect(slept).toEqual([1000]);
  });

  it('explains 403 (no permission), 404 and a bad token without retrying', async () => {
    gh.failures.push({ status: 403, message: 'Resource not accessible by integration' });
    const forbidden = await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, opts()).catch((x) => x);
    expect(forbidden).toMatchObject({ status: 403 });
    expect(forbidden.hint).toContain('pull-requests: write');
    gh.failures.push({ status: 404, message: 'Not Found' });
    const missing = await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, opts()).catch((x) => x);
    expect(missing.message).toBe('soma/somastack#7 was not found (404)');
    const bad = await upsertComment(PR, body('x'), DIFF_COMMENT_MARKER, { ...opts(), token: 'wrong' }).catch((x) => x);
    expect(bad).toMatchObject({ status: 401 });
    expect(slept).toEqual([]);
  });

  it('refuses a body without the marker (it could never be found again)', async () => {
    await expect(upsertComment(PR, 'no marker', DIFF_COMMENT_MARKER, opts())).rejects.toThrow(/marker/);
  });
});

describe('rate limit headers', () => {
  it('reads X-RateLimit-Reset when the primary limit is exhausted', () => {
    const now = 1_000_000;
    const f = {
      status: 403,
      message: 'API rate limit exceeded',
      response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) } },
    };
    expect(rateLimitWait(f, now)).toBe(31_000);
    expect(rateLimitWait({ status: 403, message: 'forbidden', response: { headers: {} } }, now)).toBeUndefined();
  });
});

describe('resolvePostTarget', () => {
  const event = (payload: unknown) => {
    const file = join(tempDir('gh-event-'), 'event.json');
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };

  it('reads repository, PR number, token and API URL from the Actions environment', async () => {
    const t = await resolvePostTarget(
      {},
      {
        GITHUB_REPOSITORY: 'soma/somastack',
        GITHUB_EVENT_PATH: event({ pull_request: { number: 12 } }),
        GITHUB_TOKEN: 't',
        GITHUB_API_URL: 'https://ghe.example/api/v3',
      },
    );
    expect(t).toEqual({
      pr: { owner: 'soma', repo: 'somastack', number: 12 },
      token: 't',
      baseUrl: 'https://ghe.example/api/v3',
    });
  });

  it('prefers flags over the environment', async () => {
    const t = await resolvePostTarget(
      { repo: 'a/b', pr: '3' },
      { GITHUB_REPOSITORY: 'soma/somastack', GITHUB_TOKEN: 't' },
    );
    expect(t.pr).toEqual({ owner: 'a', repo: 'b', number: 3 });
  });

  it('says what is missing', async () => {
    await expect(resolvePostTarget({ repo: 'a/b', pr: '3' }, {})).rejects.toThrow(/GITHUB_TOKEN/);
    await expect(resolvePostTarget({ pr: '3' }, { GITHUB_TOKEN: 't' })).rejects.toThrow(/repository/);
    await expect(resolvePostTarget({ repo: 'a/b' }, { GITHUB_TOKEN: 't' })).rejects.toThrow(/pull request number/);
    await expect(resolvePostTarget({ repo: 'a/b', pr: 'x' }, { GITHUB_TOKEN: 't' })).rejects.toBeInstanceOf(UserError);
    await expect(
      resolvePostTarget({ repo: 'a/b' }, { GITHUB_TOKEN: 't', GITHUB_EVENT_PATH: event({ ref: 'refs/heads/main' }) }),
    ).rejects.toThrow(/not about a pull request/);
  });
});
