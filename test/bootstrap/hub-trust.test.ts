// Which CA the hub's cluster Secret tells Argo CD to trust for a managed cluster: the CA of
// the context bootstrap itself used, when that context talks to the very server the hub
// will (a load balancer may present another CA than the cluster's own), and otherwise the
// cluster's root CA from the ServiceAccount token Secret. Real KubeClients from real
// kubeconfig files; no request is sent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/adapters/kube.ts';
import { hubTrust } from '../../src/commands/bootstrap/register.ts';
import { tempDir } from '../support/temp.ts';

const SERVER = 'https://prod.example.com:6443';
const TOKEN_CA = Buffer.from('token secret ca').toString('base64');
const CONTEXT_CA_PEM = '-----BEGIN CERTIFICATE-----\ncontext ca\n-----END CERTIFICATE-----\n';

function client(server: string, ca: { data?: string; file?: string } = {}): KubeClient {
  const cluster: Record<string, string> = { server };
  if (ca.data) cluster['certificate-authority-data'] = ca.data;
  if (ca.file) cluster['certificate-authority'] = ca.file;
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'prod',
      clusters: [{ name: 'prod', cluster }],
      users: [{ name: 'prod', user: { token: 't' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod' } }],
    }),
  );
  return new KubeClient(kc);
}

describe('the CA a hub trusts for a managed cluster', () => {
  it("is the context's CA data when the context talks to destination.server", () => {
    const data = Buffer.from(CONTEXT_CA_PEM).toString('base64');
    expect(hubTrust(SERVER, client(SERVER, { data }), TOKEN_CA)).toBe(data);
  });

  it("reads the context's CA file, base64-encoded as Argo CD's caData wants it", () => {
    const file = join(tempDir('hub-trust-'), 'ca.crt');
    writeFileSync(file, CONTEXT_CA_PEM);
    expect(hubTrust(SERVER, client(SERVER, { file }), TOKEN_CA)).toBe(Buffer.from(CONTEXT_CA_PEM).toString('base64'));
  });

  it('treats a trailing slash or another letter case as the same server', () => {
    const data = Buffer.from(CONTEXT_CA_PEM).toString('base64');
    expect(hubTrust(`${SERVER.toUpperCase()}/`, client(SERVER, { data }), TOKEN_CA)).toBe(data);
  });

  it("falls back to the token Secret's CA when the context reaches the cluster at another address", () => {
    const data = Buffer.from(CONTEXT_CA_PEM).toString('base64');
    expect(hubTrust(SERVER, client('https://10.0.0.5:6443', { data }), TOKEN_CA)).toBe(TOKEN_CA);
  });

  it("falls back to the token Secret's CA when the context trusts the system roots", () => {
    expect(hubTrust(SERVER, client(SERVER), TOKEN_CA)).toBe(TOKEN_CA);
  });
});
