// The generated Redis start-up and probes, run for real with Debian's redis-server on
// loopback: in staging and prod the server asks for the Secret's password (written to a
// config file, never on the command line) and the probes answer through REDISCLI_AUTH; dev
// stays password-free. Only paths and the port differ from the pod.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { redis } from '../../src/core/components/redis.ts';
import { podSpecOf, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import type { Environment } from '../../src/core/names.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';

const HAVE_REDIS = spawnSync('redis-server', ['--version']).status === 0;
const PASSWORD = 'tHe-Secret_value0123456789abcdefghijklmnop';

function container(env: Environment): V1Container {
  const sts = redis.build(env, CTX).find((o) => o.kind === 'StatefulSet')!;
  return (podSpecOf(sts)!.spec as unknown as V1PodSpec).containers.find((c) => c.name === 'redis')!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The pod's command and arguments with its paths moved into `dir` and its port to `port`. */
function localised(c: V1Container, dir: string, port: number): string[] {
  const moved = (s: string) => s.replaceAll('/run/redis-auth', dir).replaceAll('/data', dir);
  const args = (c.args ?? []).map(moved);
  args[args.indexOf('--port') + 1] = String(port);
  return [...(c.command ?? []).map(moved), ...args];
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGKILL');
});

async function start(env: Environment): Promise<{ port: number; argv: string[] }> {
  const dir = tempDir('redis-real-');
  const port = await freePort();
  const [cmd, ...rest] = localised(container(env), dir, port);
  const child = spawn(cmd!, rest, { env: { PATH: process.env.PATH, REDIS_PASSWORD: PASSWORD }, stdio: 'ignore' });
  running.push(child);
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG' || /NOAUTH/.test(r.stdout + r.stderr)) return { port, argv: [cmd!, ...rest] };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start: ${[cmd, ...rest].join(' ')}`);
}

/** Runs a probe's exec command as the kubelet would, with the container's (resolved) environment. */
function probe(c: V1Container, kind: 'readinessProbe' | 'livenessProbe', port: number, auth: boolean): number | null {
  const [cmd, ...args] = c[kind]!.exec!.command!.map((s) => s.replace('-p 6379', `-p ${port}`));
  const env: Record<string, string> = { PATH: process.env.PATH! };
  if (auth) env.REDISCLI_AUTH = PASSWORD;
  return spawnSync(cmd!, args, { env }).status;
}

describe.skipIf(!HAVE_REDIS)('redis-server with the generated settings (needs Debian redis-server)', () => {
  it.each(['staging', 'prod'] as const)(
    '%s: a client without the password is refused, with it answered',
    async (env) => {
      const { port, argv } = await start(env);
      expect(argv.join(' ')).not.toContain(PASSWORD);
      const anonymous = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
      expect(anonymous.stdout + anonymous.stderr).toMatch(/NOAUTH/);
      const authed = spawnSync('redis-cli', ['-p', String(port), 'PING'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, REDISCLI_AUTH: PASSWORD },
      });
      expect(authed.stdout.trim()).toBe('PONG');
      const c = container(env);
      expect(probe(c, 'readinessProbe', port, true)).toBe(0);
      expect(probe(c, 'livenessProbe', port, true)).toBe(0);
      expect(probe(c, 'readinessProbe', port, false)).not.toBe(0);
    },
  );

  it('dev: no password, the probes pass without one', async () => {
    const { port } = await start('dev');
    const r = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('PONG');
    expect(probe(container('dev'), 'readinessProbe', port, false)).toBe(0);
  });
});

if (!HAVE_REDIS)
  describe('redis-server with the generated settings', () => {
    it.skip('skipped: redis-server is not installed (apt-get install redis-server; .ci/run installs it)', () => {});
  });
