// Vault's smoke check over real TLS: openssl makes a CA and a leaf with the names of Vault's
// Certificate (as cert-manager would), a Node HTTPS server answers /v1/sys/health with it,
// and the check's own shell line runs with real curl, handed the CA the way smoke hands it.
// curl reaches the contract name through --connect-to (a wrapper on PATH), so the name the
// certificate is checked against is the real one. Another CA must fail the check.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_CHECKS } from '../../src/core/contracts.ts';
import { VAULT_SERVICE } from '../../src/core/components/vault.ts';
import { vaultDnsNames } from '../../src/core/components/vault-tls.ts';
import type { JobRun, SmokeContext } from '../../src/core/smoke/types.ts';
import { tempDir } from '../support/temp.ts';
import { installed } from './processes.ts';

const HAVE_TOOLS = installed('openssl', ['version']) && installed('curl');
const HEALTH = { initialized: true, sealed: false, standby: false, version: '1.21.4' };

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, and a leaf for Vault's names signed by it (ECDSA P-256, like the Certificates). */
function issue(dir: string): { ca: string; cert: string; key: string } {
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl(dir, 'req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=soma-infra CA', '-days', '2', '-out', 'ca.crt');
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'tls.key');
  openssl(dir, 'req', '-new', '-key', 'tls.key', '-subj', '/CN=vault', '-out', 'tls.csr');
  const san = [...vaultDnsNames().map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
    '-out',
    'tls.crt',
  );
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
}

const check = SMOKE_CHECKS.find((c) => c.name === 'vault')!;
const host = VAULT_SERVICE.tls!.serverName;

describe.skipIf(!HAVE_TOOLS)("Vault's smoke check against an HTTPS server with Vault's names (openssl, curl)", () => {
  let server: Server;
  let port = 0;
  let trusted = '';
  let stranger = '';
  const dir = tempDir('vault-tls-smoke-');

  beforeAll(async () => {
    const pki = issue(dir);
    trusted = pki.ca;
    stranger = issue(tempDir('vault-tls-other-')).ca;
    server = createServer({ cert: pki.cert, key: pki.key }, (req, res) => {
      res.writeHead(req.url === '/v1/sys/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(HEALTH));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    // curl as the job runs it, but connecting the contract name to this server.
    const real = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(
      join(dir, 'curl'),
      `#!/bin/sh\nexec ${real} --connect-to ${host}:${VAULT_SERVICE.port}:127.0.0.1:${port} "$@"\n`,
    );
    chmodSync(join(dir, 'curl'), 0o755);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the job's shell line (not blocking: the server answers from this process), its scratch /tmp moved to a temp directory. */
  async function run(ca: string) {
    const ctx = { namespace: 'n', images: { curl: 'curl' }, caCertificates: { vault: ca } } as unknown as SmokeContext;
    const [job] = check.jobs(ctx) as JobRun[];
    const scratch = tempDir('vault-tls-job-');
    const script = job!.command[2]!.replaceAll('/tmp/', `${scratch}/`);
    const env = Object.fromEntries((job!.env ?? []).map((e) => [e.name, e.value!]));
    const child = spawn('sh', ['-c', script], { env: { ...process.env, ...env, PATH: `${dir}:${process.env.PATH}` } });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return check.judge([{ job: 'vault', namespace: 'n', phase: code === 0 ? 'Succeeded' : 'Failed', log }], ctx);
  }

  it('passes when the job is handed the CA that issued the certificate', async () => {
    const v = await run(trusted);
    expect(v.evidence).toMatch(/^HTTP 200 \(TLS verified with the in-cluster CA\): initialized=true, sealed=false/);
    expect(v.pass).toBe(true);
  });

  it('fails with another CA: the certificate is verified, never skipped', async () => {
    const v = await run(stranger);
    expect(v.pass).toBe(false);
    expect(v.evidence).toMatch(/no health answer/);
  });
});
