// A node:http server speaking the part of the GitHub REST API the diff comment uses:
// list (paginated, with Link headers), create and update issue comments. Failures can be
// queued to test rate limits and permissions; every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
}

export interface ScriptedFailure {
  status: number;
  headers?: Record<string, string>;
  message: string;
}

export interface FakeGithub {
  url: string;
  comments: FakeComment[];
  requests: { method: string; path: string }[];
  /** Failures returned, in order, before normal answers resume. */
  failures: ScriptedFailure[];
  close(): Promise<void>;
}

export async function startFakeGithub(opts: {
  token: string;
  owner: string;
  repo: string;
  pr: number;
  perPage?: number;
}): Promise<FakeGithub> {
  let nextId = 1000;
  const state: Omit<FakeGithub, 'url' | 'close'> = { comments: [], requests: [], failures: [] };
  const base = `/repos/${opts.owner}/${opts.repo}`;
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    state.requests.push({ method: req.method ?? '', path: url.pathname });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization !== `token ${opts.token}` && req.headers.authorization !== `bearer ${opts.token}`) {
      return send(res, 401, { message: 'Bad credentials' });
    }
    const failure = state.failures.shift();
    if (failure) return send(res, failure.status, { message: failure.message }, failure.headers);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: string }) : {};
    const list = `${base}/issues/${opts.pr}/comments`;
    if (req.method === 'GET' && url.pathname === list) {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), opts.perPage ?? 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const pages = Math.max(1, Math.ceil(state.comments.length / perPage));
      const headers: Record<string, string> = {};
      if (page < pages)
        headers.link = `<${addr()}${list}?per_page=${perPage}&page=${page + 1}>; rel="next", <${addr()}${list}?per_page=${perPage}&page=${pages}>; rel="last"`;
      return send(res, 200, state.comments.slice((page - 1) * perPage, page * perPage), headers);
    }
    if (req.method === 'POST' && url.pathname === list) {
      const c = {
        id: nextId++,
        body: body.body ?? '',
        user: { login: 'github-actions[bot]' },
        html_url: `https://github.test/${opts.owner}/${opts.repo}/pull/${opts.pr}#issuecomment-${nextId - 1}`,
      };
      state.comments.push(c);
      return send(res, 201, c);
    }
    const m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(url.pathname);
    if (req.method === 'PATCH' && m) {
      const c = state.comments.find((x) => x.id === Number(m[1]));
      if (!c) return send(res, 404, { message: 'Not Found' });
      c.body = body.body ?? '';
      return send(res, 200, c);
    }
    return send(res, 404, { message: 'Not Found' });
  };
  const server = createServer((req, res) => void handle(req, res).catch((e) => send(res, 500, { message: String(e) })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url: addr(),
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
