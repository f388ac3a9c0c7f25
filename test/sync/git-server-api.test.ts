// ensureServerRepo against a local HTTP server answering like the git server's API for the
// two calls it makes: look the repository up, create it when missing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureServerRepo } from '../../src/adapters/git-server.ts';

interface Seen {
  method: string;
  url: string;
  auth: string;
  body: string;
}

const servers: Server[] = [];
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))));

async function api(answer: (req: Seen) => number): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const s = { method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body };
    seen.push(s);
    res.writeHead(answer(s), { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const cred = { username: 'soma', password: 'secret-value-1' };
const target = (baseUrl: string) => ({ baseUrl, pushUrl: `${baseUrl}/soma/somastack.git` });

describe('ensureServerRepo', () => {
  it('creates the private repository when the server does not have it, with basic auth', async () => {
    const s = await api((r) => (r.method === 'GET' ? 404 : 201));
    expect(await ensureServerRepo(target(s.baseUrl), cred, 'main')).toBe(true);
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/repos/soma/somastack',
      'POST /api/v1/user/repos',
    ]);
    expect(s.seen[0]!.auth).toBe(`Basic ${Buffer.from('soma:secret-value-1').toString('base64')}`);
    expect(JSON.parse(s.seen[1]!.body)).toMatchObject({ name: 'somastack', private: true, default_branch: 'main' });
  });

  it('leaves an existing repository alone', async () => {
    const s = await api(() => 200);
    expect(await ensureServerRepo(target(s.baseUrl), cred, 'main')).toBe(false);
    expect(s.seen).toHaveLength(1);
  });

  it('treats a repository created meanwhile (409) as there', async () => {
    const s = await api((r) => (r.method === 'GET' ? 404 : 409));
    expect(await ensureServerRepo(target(s.baseUrl), cred, 'main')).toBe(false);
  });

  it('says how to reset a refused credential, without showing it', async () => {
    const s = await api(() => 401);
    const error = await ensureServerRepo(target(s.baseUrl), cred, 'main').catch((e: Error & { hint?: string }) => e);
    expect(String((error as Error).message)).toContain('refused the admin credential (HTTP 401)');
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('secret-value-1');
  });
});
