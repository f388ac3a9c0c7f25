// The generated Postgres server settings under the PostgreSQL installed here (the image
// runs 18, the settings are the same): initdb in a temp folder, then postgres on a loopback
// port with the Cluster's `postgresql.parameters` as `-c` settings. The settings must be
// live, and pg_stat_archiver (read by CloudNativePG's exporter for the WAL alerts) must answer.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { SELECT_WITH_ARCHIVE, segno } from '../../src/core/smoke/checks/postgres.ts';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postgres } from '../../src/core/components/postgres.ts';
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

function parameters(env: Environment): Record<string, string> {
  const cluster = postgres.build(env, CTX).find((o) => o.kind === 'Cluster')!;
  return (cluster.spec as { postgresql: { parameters: Record<string, string> } }).postgresql.parameters;
}

function psql(port: number, sql: string): string {
  const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'soma', '-d', 'postgres', '-Atc', sql], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function start(params: Record<string, string>): Promise<number> {
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
  const settings = Object.entries(params).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
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
  it.each(['dev', 'prod'] as const)('%s: the Cluster parameters are live', async (env) => {
    const wanted = parameters(env);
    const port = await start(wanted);
    expect(Object.keys(wanted).sort()).toEqual(['archive_timeout', 'max_connections', 'shared_buffers']);
    for (const [name, value] of Object.entries(wanted)) expect(psql(port, `SHOW ${name}`)).toBe(value);
    // No archive_mode here: the archiver view answers with no last archive time (the exporter then reports -1).
    expect(psql(port, 'SELECT archived_count, last_archived_time IS NULL FROM pg_stat_archiver')).toBe('0|t');
  });
});

if (!BIN || !HAVE_PSQL)
  describe('postgres with the generated settings', () => {
    it.skip('skipped: PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it)', () => {});
  });

describe.skipIf(!BIN || !HAVE_PSQL)("smoke's WAL archive query on a real server (needs Debian postgresql)", () => {
  it('answers the age and the backlog: never archived is -1, -1', async () => {
    const port = await start(parameters('dev'));
    expect(psql(port, SELECT_WITH_ARCHIVE)).toBe('1|-1|-1');
    // Segment numbers from WAL file names (16 MB segments: 256 per log id); a history file has none.
    expect(psql(port, `SELECT ${segno("'000000010000000100000003'")}`)).toBe('259');
    expect(psql(port, `SELECT ${segno("'00000002.history'")} IS NULL`)).toBe('t');
  });
});
