// Vault's TLS in every environment: the in-cluster CA chain, the certificate's names against
// every address that reaches Vault, and the sidecar that makes Vault load a renewed one.
import { type ChildProcess, spawn } from 'node:child_process';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { podSpecOf, type KubeObject, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS } from '../../src/core/names.ts';
import { raftJoinAddresses, vault, VAULT_SERVICE } from '../../src/core/components/vault.ts';
import { reloadScript, SOMA_CA, VAULT_TLS_SECRET, vaultDnsNames } from '../../src/core/components/vault-tls.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';

const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);
const spec = (o: KubeObject | undefined) => o?.spec as any;

/** Node's own TLS host check against a certificate with these subject alternative names. */
const covers = (dnsNames: string[], ips: string[], host: string) =>
  checkServerIdentity(host, {
    subject: {},
    subjectaltname: [...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP Address:${ip}`)].join(', '),
  } as unknown as PeerCertificate) === undefined;

describe.each(ENVIRONMENTS.map((e) => [e]))('vault TLS in %s', (env) => {
  const objects = vault.build(env, CTX);
  const workload = objects.find((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')!;
  const pod = podSpecOf(workload)!.spec as unknown as V1PodSpec;
  const server = pod.containers.find((c) => c.name === 'vault')!;
  const certs = byKind(objects, 'Certificate');
  const issuers = byKind(objects, 'Issuer');

  it('bootstraps the CA: self-signed Issuer -> CA Certificate (key kept on renewal) -> CA Issuer', () => {
    const ca = certs.find((c) => c.metadata.name === SOMA_CA)!;
    const selfSigned = issuers.find((i) => spec(i).selfSigned)!;
    expect(spec(ca)).toMatchObject({ isCA: true, secretName: SOMA_CA, issuerRef: { name: selfSigned.metadata.name } });
    expect(spec(ca).privateKey).toMatchObject({ algorithm: 'ECDSA', rotationPolicy: 'Never' });
    const caIssuer = issuers.find((i) => spec(i).ca)!;
    // The CA is Ready before its Issuer exists (an earlier sync wave inside Vault's Application).
    const wave = (o: KubeObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(wave(selfSigned)).toBeLessThan(wave(caIssuer));
    expect(wave(ca)).toBeLessThan(wave(caIssuer));
    expect(spec(caIssuer).ca.secretName).toBe(SOMA_CA);
    // The CA's key stays in its Secret: only the CA Issuer reads that Secret.
    const readers = objects.filter((o) => JSON.stringify(o).includes(`"${SOMA_CA}"`));
    expect(readers.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [`Certificate/${SOMA_CA}`, `Issuer/${SOMA_CA}`, `Certificate/${VAULT_TLS_SECRET}`].sort(),
    );
  });

  it("issues Vault's certificate from the CA for every name a client or raft peer uses", () => {
    const leaf = certs.find((c) => c.metadata.name === VAULT_TLS_SECRET)!;
    expect(spec(leaf).issuerRef).toMatchObject({ kind: 'Issuer', name: SOMA_CA });
    expect(spec(leaf).secretName).toBe(VAULT_TLS_SECRET);
    const names: string[] = spec(leaf).dnsNames;
    const hosts = [
      ...raftJoinAddresses(3).map((a) => new URL(a).hostname),
      'vault.soma-infra.svc.cluster.local',
      'vault.soma-infra.svc',
      'vault',
      VAULT_SERVICE.tls!.serverName,
    ];
    const ips: string[] = spec(leaf).ipAddresses;
    for (const h of hosts) expect(covers(names, ips, h), h).toBe(true);
    const local = new URL(server.env!.find((e) => e.name === 'VAULT_ADDR')!.value!);
    expect(local.protocol).toBe('https:');
    expect(covers(names, ips, local.hostname), local.hostname).toBe(true);
    // A name the certificate does not carry fails the same check (the check can fail).
    expect(covers(names, ips, 'vault.other.svc.cluster.local')).toBe(false);
    // Renewed well before expiry.
    expect(parseInt(spec(leaf).renewBefore)).toBeLessThan(parseInt(spec(leaf).duration) / 2);
    expect(names).toEqual(vaultDnsNames());
  });

  it('mounts the Secret read-only for the vault group, the CLI trusting the CA, and reloads on renewal', () => {
    const volume = pod.volumes!.find((v) => v.secret?.secretName === VAULT_TLS_SECRET)!;
    expect(volume.secret!.defaultMode).toBe(0o440);
    expect(server.volumeMounts).toContainEqual({ name: volume.name, mountPath: '/vault/tls', readOnly: true });
    expect(server.env).toContainEqual({ name: 'VAULT_CACERT', value: '/vault/tls/ca.crt' });
    const reloader = pod.containers.find((c) => c.name === 'tls-reload')!;
    expect(reloader.image).toBe(server.image);
    expect(reloader.volumeMounts).toEqual([{ name: volume.name, mountPath: '/vault/tls', readOnly: true }]);
    expect(pod.shareProcessNamespace).toBe(true);
  });
});

describe('the reload sidecar script, run by a real shell with real pkill', () => {
  it('sends SIGHUP to the vault server once the certificate changes, never to a later vault CLI', async () => {
    const dir = tempDir('vault-reload-');
    const cert = join(dir, 'tls.crt');
    writeFileSync(cert, 'first');
    // Two processes named exactly `vault`: the server, started first, and a CLI started later.
    copyFileSync('/bin/sleep', join(dir, 'vault'));
    const exited = (p: ChildProcess) => new Promise<string | null>((r) => p.on('exit', (_code, signal) => r(signal)));
    const server = spawn(join(dir, 'vault'), ['30']);
    const serverExit = exited(server);
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(100);
    const cli = spawn(join(dir, 'vault'), ['30']);
    const sh = spawn('sh', ['-c', reloadScript(cert, 0.1)]);
    try {
      await wait(500);
      expect(server.exitCode ?? server.signalCode).toBeNull();
      writeFileSync(cert, 'renewed');
      expect(await serverExit).toBe('SIGHUP');
      await wait(300);
      expect(cli.exitCode ?? cli.signalCode).toBeNull();
    } finally {
      for (const p of [sh, server, cli]) p.kill('SIGKILL');
    }
  });
});
