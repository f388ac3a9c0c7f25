// The generated Postgres server settings and probe under Debian's PostgreSQL (15; the
// image runs 18, the settings are the same): initdb in a temp folder, then postgres on a
// loopback port with the container's `-c` arguments. The settings must be live, the
// readiness probe must pass, and pg_stat_archiver (read by the WAL alerts) must answer.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postgres } from '../../src/core/components/postgres.ts';
import { podSpecOf, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import type { Environment } from '../../src/core/names.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';
import { freePort, startServer, stopAll, waitFor } from './processes.ts';

/** Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin. */
function serverBin(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return join(onPath, '..');
  const root = '/usr/lib/postgresql';
  const major = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  return major && existsSync(join(root, major, 'bin', 'initdb')) ? join(root, major, 'bin') : null;
}

const BIN = serverBin();
const HAVE_PSQL = spawnSync('psql', ['--version']).status === 0;
// initdb and postgres refuse to run as root: as root (a container), run them as nobody.
const AS: SpawnSyncOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
afterEach(stopAll);

function container(env: Environment): V1Container {
  const sts = postgres.build(env, CTX).find((o) => o.kind === 'StatefulSet')!;
  return (podSpecOf(sts)!.spec as unknown as V1PodSpec).containers.find((c) => c.name === 'postgres')!;
}

function psql(port: number, sql: string): string {
  const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'soma', '-d', 'postgres', '-Atc', sql], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function start(c: V1Container): Promise<number> {
  const dir = tempDir('postgres-real-');
  if (AS.uid !== undefined) {
    // nobody must reach its folder through the run's private temp root: traverse, not list.
    chmodSync(dirname(dir), 0o711);
    chownSync(dir, AS.uid, AS.gid!);
  }
  const data = join(dir, 'data');
  const init = spawnSync(join(BIN!, 'initdb'), ['-D', data, '-U', 'soma', '--auth=trust', '-E', 'UTF8'], AS);
  if (init.status !== 0) throw new Error(`initdb failed: ${String(init.stderr)}`);
  const port = await freePort();
  // args[0] is the image entrypoint's command name; the rest are the server's settings.
  const settings = c.args!.slice(1);
  const local = ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port)];
  const { log } = startServer(join(BIN!, 'postgres'), [...local, ...settings], AS);
  await waitFor(
    'postgres',
    () => spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0,
    log,
  );
  return port;
}

describe.skipIf(!BIN || !HAVE_PSQL)('postgres with the generated settings (needs Debian postgresql)', () => {
  it.each(['dev', 'prod'] as const)('%s: the -c settings are live and the readiness probe passes', async (env) => {
    const c = container(env);
    const port = await start(c);
    const wanted = Object.fromEntries(
      c.args!.filter((_, i, a) => a[i - 1] === '-c').map((kv) => kv.split('=') as [string, string]),
    );
    expect(Object.keys(wanted).sort()).toEqual(['max_connections', 'shared_buffers']);
    for (const [name, value] of Object.entries(wanted)) expect(psql(port, `SHOW ${name}`)).toBe(value);
    const probe = c.readinessProbe!.exec!.command!.map((s) => s.replace('-p 5432', `-p ${port}`));
    const env_ = { PATH: process.env.PATH!, POSTGRES_USER: 'soma', POSTGRES_DB: 'postgres' };
    expect(spawnSync(probe[0]!, probe.slice(1), { env: env_ }).status).toBe(0);
    // Archiving is not configured today: the archiver view answers with no last archive time.
    expect(psql(port, 'SELECT archived_count, last_archived_time IS NULL FROM pg_stat_archiver')).toBe('0|t');
  });
});

if (!BIN || !HAVE_PSQL)
  describe('postgres with the generated settings', () => {
    it.skip('skipped: PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it)', () => {});
  });
