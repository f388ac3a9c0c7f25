// What the Kubernetes client does with addresses that cannot work: it stops at once on
// what no retry can change (an HTML page, a server with no /api, a host that does not
// resolve, something that does not speak HTTP), and says so on every retry it does make.
import { rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLive } from '../../src/adapters/kube-live.ts';
import { describeRetry, KubeApiError, KubeClient, loadContext, type RetryNotice } from '../../src/adapters/kube.ts';
import { tempDir } from '../support/temp.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function kubeconfig(server: string): Record<string, string> {
  const dir = tempDir('somastack-kube-faults-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'web',
    clusters: [{ name: 'web', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'web', user: { token: 't' } }],
    contexts: [{ name: 'web', context: { cluster: 'web', user: 'web' } }],
  }));
  return { KUBECONFIG: file, HOME: dir };
}

async function serve(handler: RequestListener): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function client(env: Record<string, string>, notices: RetryNotice[] = []): KubeClient {
  return new KubeClient(loadContext(env, 'web')!, { retry: { initialDelayMs: 1, maxDelayMs: 4, budgetMs: 5_000 }, onRetry: (n) => void notices.push(n) });
}

const html = (status: number): RequestListener => (_req, res) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html><body>Welcome to nginx!</body></html>');
};

describe('a server that is not a Kubernetes API server', () => {
  it('answering HTML is diagnosed as such at once, not as "Argo CD is not installed"', async () => {
    const web = await serve(html(200));
    const notices: RetryNotice[] = [];
    const live = connectLive(kubeconfig(web.url), undefined, { retry: { initialDelayMs: 1, maxDelayMs: 4, budgetMs: 5_000 }, onRetry: (n) => void notices.push(n) });
    const err = (await live.applications().catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.failure).toBe('not-kubernetes');
    expect(err.message).toMatch(/^the server at http:\/\/127\.0\.0\.1:\d+ \(context 'web'\) is not a Kubernetes API server: it answered .* with an HTML page \(HTTP 200\)$/);
    expect(err.message).not.toMatch(/Argo CD/);
    expect(err.fix).toMatch(/kubectl config view --minify --context web/);
    expect([web.hits.length, notices.length]).toEqual([1, 0]);
  });

  it('answering HTML 404 is not retried either', async () => {
    const web = await serve(html(404));
    const err = (await client(kubeconfig(web.url)).raw('/version').catch((e: unknown) => e)) as KubeApiError;
    expect(err.failure).toBe('not-kubernetes');
    expect(web.hits).toEqual(['/version']);
  });

  it('answering 404 to everything (no /api) is not a missing CRD', async () => {
    const web = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"no such route"}');
    });
    const err = (await client(kubeconfig(web.url)).list('argoproj.io/v1alpha1', 'Application').catch((e: unknown) => e)) as KubeApiError;
    expect(err.failure).toBe('not-kubernetes');
    expect(err.message).toMatch(/is not a Kubernetes API server: GET \/api answered 404$/);
    expect(web.hits).toEqual(['/apis/argoproj.io/v1alpha1', '/api']);
  });

  it('not speaking HTTP at all is permanent', async () => {
    const tcp = createTcpServer((s) => {
      s.end('SSH-2.0-OpenSSH_9.6\r\n');
      s.on('error', () => undefined);
      setTimeout(() => s.destroy(), 50);
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => tcp.close(() => r())));
    const notices: RetryNotice[] = [];
    const err = (await client(kubeconfig(`http://127.0.0.1:${(tcp.address() as AddressInfo).port}`), notices).raw('/version').catch((e: unknown) => e)) as KubeApiError;
    expect(err.failure).toBe('not-kubernetes');
    expect(err.message).toMatch(/does not answer in HTTP/);
    expect(notices).toEqual([]);
  });

  it('a host name that does not resolve is permanent, naming the address and where to fix it', async () => {
    const notices: RetryNotice[] = [];
    const err = (await client(kubeconfig('https://no-such-host.invalid:6443'), notices).raw('/version').catch((e: unknown) => e)) as KubeApiError;
    // Without any resolver the lookup fails as EAI_AGAIN (a resolver hiccup), which stays transient.
    if (err.reason === 'EAI_AGAIN') return;
    expect(err.failure).toBe('bad-address');
    expect(err.message).toMatch(/the API server address https:\/\/no-such-host\.invalid:6443 of context 'web' cannot be reached as written.*ENOTFOUND/);
    expect(notices).toEqual([]);
  });
});

describe('retries say what they are waiting for', () => {
  it('reports every retry with the attempt, what failed and the time left, then succeeds', async () => {
    let n = 0;
    const web = await serve((_req, res) => {
      if (n++ < 2) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"message":"etcd is starting"}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"gitVersion":"v1.34.0"}');
      }
    });
    const notices: RetryNotice[] = [];
    expect(await client(kubeconfig(web.url), notices).raw('/version')).toEqual({ gitVersion: 'v1.34.0' });
    expect(notices.map((x) => [x.attempt, x.what, x.error.failure])).toEqual([[1, 'GET /version', 'transient'], [2, 'GET /version', 'transient']]);
    expect(notices[0]!.remainingMs).toBeGreaterThan(4_000);
    expect(notices[0]!.remainingMs).toBeLessThanOrEqual(5_000);
    expect(describeRetry(notices[0]!)).toMatch(/^retrying \(attempt 1 failed\): the API server answered 503 to GET \/version on context 'web': etcd is starting; next try in 1 ms, giving up in [45] s$/);
  });

  it('a gateway page from a proxy (502) is retried: the API server behind it may be starting', async () => {
    let n = 0;
    const web = await serve((req, res) => (n++ < 1 ? html(502)(req, res) : (res.writeHead(200, { 'content-type': 'application/json' }), res.end('{}'))));
    const notices: RetryNotice[] = [];
    await client(kubeconfig(web.url), notices).raw('/version');
    expect(notices.map((x) => x.error.message)).toEqual([expect.stringMatching(/a proxy in front of context 'web' answered 502 \(an HTML page\)/)]);
  });

  it('a refused connection is retried (a starting server refuses), visibly, until the budget runs out', async () => {
    const web = await serve(() => undefined);
    const url = web.url;
    await cleanups.pop()!(); // close it: the port now refuses
    const notices: RetryNotice[] = [];
    const c = new KubeClient(loadContext(kubeconfig(url), 'web')!, { retry: { initialDelayMs: 5, maxDelayMs: 10, budgetMs: 60 }, onRetry: (x) => void notices.push(x) });
    const err = (await c.raw('/version').catch((e: unknown) => e)) as KubeApiError;
    expect(err.failure).toBe('unreachable');
    expect(notices.length).toBeGreaterThan(1);
    expect(notices.every((x) => x.error.reason === 'ECONNREFUSED')).toBe(true);
  });
});
