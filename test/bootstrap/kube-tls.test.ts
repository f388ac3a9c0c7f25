// An API server whose certificate the kubeconfig's CA does not trust (the cluster was
// recreated, the kubeconfig is stale) is a permanent error with a fix, not "the cluster
// is not running" retried for a minute and a half.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTlsCode, networkError } from '../../src/adapters/kube-errors.ts';
import { connectKind, KubeApiError } from '../../src/adapters/kube.ts';
import { selfSignedCert } from '../support/self-signed.ts';
import { tempDir } from '../support/temp.ts';

const served = selfSignedCert('kube-apiserver');
const other = selfSignedCert('stale-ca');
let server: Server;
let url: string;
let hits = 0;

beforeAll(async () => {
  server = createServer({ key: served.key, cert: served.cert }, (_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function kubeconfig(caPem: string): Record<string, string> {
  const dir = tempDir('kube-tls-');
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'kind-soma',
    clusters: [{ name: 'kind-soma', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'kind-soma', user: { token: 't' } }],
    contexts: [{ name: 'kind-soma', context: { cluster: 'kind-soma', user: 'kind-soma' } }],
  }));
  return { KUBECONFIG: file, HOME: dir };
}

describe('TLS failures talking to the API server', () => {
  it('talks to the server when the kubeconfig trusts its certificate (the control case)', async () => {
    const client = connectKind(kubeconfig(served.cert), 'soma');
    expect(await client.raw('/version')).toMatchObject({ gitVersion: 'v1.34.0' });
  });

  it('fails at once, not retried, with a hint to refresh the kubeconfig', async () => {
    const slept: number[] = [];
    const client = connectKind(kubeconfig(other.cert), 'soma', { retry: { initialDelayMs: 1, maxDelayMs: 2, budgetMs: 60_000 }, sleep: async (ms) => void slept.push(ms) });
    const before = hits;
    const err = (await client.raw('/version').catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.failure).toBe('tls');
    expect(err.transient).toBe(false);
    expect(isTlsCode(err.reason), err.reason).toBe(true);
    expect(err.reason).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect(err.message).toContain(`the API server at ${url} (context 'kind-soma') presented a certificate that is not trusted`);
    expect(err.hint).toContain('`kind export kubeconfig --name soma`');
    expect(slept).toEqual([]);
    expect(hits).toBe(before); // the handshake failed: no request got through
  });
});

describe('networkError classification', () => {
  const at = { context: 'kind-soma', server: 'https://127.0.0.1:6443' };
  const fetchFailure = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`socket: ${code}`), { code }) });

  it.each(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER', 'CERT_HAS_EXPIRED', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'])('%s is a permanent TLS error', (code) => {
    const err = networkError(fetchFailure(code), 'GET /version', at);
    expect([err.failure, err.transient, err.reason]).toEqual(['tls', false, code]);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_SOCKET'])('%s stays transient (the cluster may be starting)', (code) => {
    const err = networkError(fetchFailure(code), 'GET /version', at);
    expect([err.failure, err.transient, err.reason]).toEqual(['unreachable', true, code]);
  });

  it('names the kubeconfig to fetch for a context that is not Kind', () => {
    const err = networkError(fetchFailure('CERT_HAS_EXPIRED'), 'GET /version', { context: 'prod', server: 'https://k8s.example.com' });
    expect(err.hint).toMatch(/fetch a current kubeconfig for context 'prod'/);
  });
});
