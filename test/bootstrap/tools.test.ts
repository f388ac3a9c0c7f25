import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPlatform, installTool, localTool, TOOL_PINS } from '../../src/adapters/tools.ts';
import { tempDir } from '../support/temp.ts';

const BINARY = Buffer.from('#!/bin/sh\necho "kind v0.33.0 go1.24 linux/amd64"\n');
const SHA = createHash('sha256').update(BINARY).digest('hex');

let server: Server;
let base: string;
const served: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/missing') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(BINARY);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const tempRoot = () => tempDir('tools-');

describe('installTool', () => {
  it('installs a download whose SHA-256 matches, executable, into .tools/bin', async () => {
    const root = tempRoot();
    const path = await installTool('kind', { root, platform: 'linux/amd64', url: `${base}/kind`, sha256: SHA });
    expect(path).toBe(join(root, '.tools', 'bin', 'kind'));
    expect(readFileSync(path)).toEqual(BINARY);
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(await localTool(root, 'kind')).toBe(path);
  });

  it('refuses a download whose SHA-256 does not match and leaves nothing behind', async () => {
    const root = tempRoot();
    const wrong = 'a'.repeat(64);
    const err = await installTool('kubectl', { root, platform: 'linux/amd64', url: `${base}/kubectl`, sha256: wrong }).catch((e) => e);
    expect(err.message).toContain(`expected ${wrong}, got ${SHA}`);
    expect(err.message).toContain('nothing was installed');
    const bin = join(root, '.tools', 'bin');
    expect(existsSync(bin) ? readdirSync(bin) : []).toEqual([]);
    expect(await localTool(root, 'kubectl')).toBeUndefined();
  });

  it('verifies against the pinned checksum when none is given (a fake binary never matches it)', async () => {
    const root = tempRoot();
    const err = await installTool('kind', { root, platform: 'darwin/arm64', url: `${base}/kind` }).catch((e) => e);
    expect(err.message).toContain(`expected ${TOOL_PINS.kind.sha256['darwin/arm64']}`);
  });

  it('refuses a platform with no recorded checksum before downloading anything', async () => {
    const before = served.length;
    const err = await installTool('kind', { root: tempRoot(), platform: 'linux/s390x' as never, url: `${base}/kind` }).catch((e) => e);
    expect(err.message).toMatch(/no verified SHA-256 is recorded for kind .* on linux\/s390x, so it will not be installed/);
    expect(served.length).toBe(before);
  });

  it('reports an HTTP failure with the URL', async () => {
    const err = await installTool('kind', { root: tempRoot(), platform: 'linux/amd64', url: `${base}/missing`, sha256: SHA }).catch((e) => e);
    expect(err.message).toBe(`could not download kind from ${base}/missing: HTTP 404`);
  });
});

describe('pins', () => {
  it('records a 64-hex-digit checksum for every platform of both tools', () => {
    for (const pin of Object.values(TOOL_PINS)) {
      for (const p of ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'] as const) {
        expect(pin.sha256[p], `${pin.version} ${p}`).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('downloads from the official release locations', () => {
    expect(TOOL_PINS.kind.url('linux/arm64')).toBe(`https://github.com/kubernetes-sigs/kind/releases/download/${TOOL_PINS.kind.version}/kind-linux-arm64`);
    expect(TOOL_PINS.kubectl.url('darwin/amd64')).toBe(`https://dl.k8s.io/release/${TOOL_PINS.kubectl.version}/bin/darwin/amd64/kubectl`);
  });

  it('maps Node platform names to release names, and refuses others', () => {
    expect(currentPlatform('linux', 'x64')).toBe('linux/amd64');
    expect(currentPlatform('darwin', 'arm64')).toBe('darwin/arm64');
    expect(currentPlatform('win32', 'x64')).toBeUndefined();
    expect(currentPlatform('linux', 'ia32')).toBeUndefined();
  });
});
