// The generated Redis settings under Debian's redis-server, every environment: started on
// a loopback port with the pod's arguments (data folder moved to a temp one), each setting
// read back with CONFIG GET. The password start-up is covered by
// test/components/redis-auth.real.test.ts.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { redis } from '../../src/core/components/redis.ts';
import { podSpecOf, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';
import { freePort, installed, startServer, stopAll, waitFor } from './processes.ts';

const HAVE_REDIS = installed('redis-server') && installed('redis-cli');
afterEach(stopAll);

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
}

/** `--key value` pairs of the container's redis-server arguments. */
function settings(env: Environment): [string, string][] {
  const sts = redis.build(env, CTX).find((o) => o.kind === 'StatefulSet')!;
  const args = (podSpecOf(sts)!.spec as unknown as V1PodSpec).containers.find((c) => c.name === 'redis')!.args!;
  expect(args[0]).toBe('redis-server');
  const pairs: [string, string][] = [];
  for (let i = 1; i < args.length; i += 2) pairs.push([args[i]!.replace(/^--/, ''), args[i + 1]!]);
  return pairs;
}

describe.skipIf(!HAVE_REDIS)('redis-server with the generated settings (needs Debian redis-server)', () => {
  it.each(ENVIRONMENTS.map((e) => [e]))('%s: every setting is live (CONFIG GET)', async (env) => {
    const port = await freePort();
    const dir = tempDir('redis-conf-');
    const local = settings(env).map(([k, v]): [string, string] => [
      k,
      k === 'port' ? String(port) : k === 'dir' ? dir : v,
    ]);
    const { log } = startServer('redis-server', [...local.flatMap(([k, v]) => [`--${k}`, v]), '--bind', '127.0.0.1']);
    await waitFor('redis-server', () => cli(port, 'PING') === 'PONG', log);
    for (const [k, v] of local) {
      const got = cli(port, 'CONFIG', 'GET', k).split('\n')[1];
      // Redis reports memory sizes in bytes.
      const want = k === 'maxmemory' ? String(Number.parseInt(v, 10) * 1024 * 1024) : v;
      expect(`${k}=${got}`).toBe(`${k}=${want}`);
    }
  });
});

if (!HAVE_REDIS)
  describe('redis-server with the generated settings', () => {
    it.skip('skipped: redis-server is not installed (apt-get install redis-server; .ci/run installs it)', () => {});
  });
