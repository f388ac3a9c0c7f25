// Every dashboard query parsed by Debian's promtool (as recording rules), and the two
// hit-ratio panels evaluated on synthetic series: a true ratio at low traffic, no value
// (not 0) when nothing is looked up.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DashboardSpec } from '../../src/core/components/dashboards/index.ts';
import { postgresDashboard } from '../../src/core/components/dashboards/postgres.ts';
import { redisDashboard } from '../../src/core/components/dashboards/redis.ts';
import { toYaml } from '../../src/core/yaml.ts';
import { CTX } from '../support/context.ts';
import { tempDir } from '../support/temp.ts';
import { installed } from './processes.ts';

const HAVE_PROMTOOL = installed('promtool');
const DASHBOARDS = CTX.components.flatMap((c) => (c.dashboard ? [c.dashboard] : []));

function promtool(dir: string, file: string, body: unknown, ...args: string[]): { status: number | null; out: string } {
  writeFileSync(join(dir, file), toYaml(body));
  const r = spawnSync('promtool', [...args, file], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function expr(d: DashboardSpec, title: string): string {
  return d.panels.find((p) => p.title === title)!.queries[0]!.expr;
}

/** A `promql_expr_test` of `query` at 10m over two counters growing by `hit` and `miss` per minute. */
function ratioTest(query: string, hits: string, misses: string, hit: number, miss: number, want: unknown[]): unknown {
  return {
    interval: '1m',
    input_series: [
      { series: hits, values: `0+${hit}x15` },
      { series: misses, values: `0+${miss}x15` },
    ],
    promql_expr_test: [{ expr: query, eval_time: '10m', exp_samples: want }],
  };
}

describe.skipIf(!HAVE_PROMTOOL)('dashboard queries under promtool (needs Debian prometheus)', () => {
  it('every panel query of every dashboard parses', () => {
    expect(DASHBOARDS.map((d) => d.component)).toEqual(expect.arrayContaining(['etcd', 'qdrant', 'prometheus']));
    const rules = DASHBOARDS.flatMap((d) =>
      d.panels.flatMap((p, i) =>
        p.queries.map((q, j) => ({ record: `${d.uid.replace(/-/g, '_')}:p${i}q${j}`, expr: q.expr })),
      ),
    );
    const r = promtool(tempDir('dash-'), 'queries.yml', { groups: [{ name: 'dashboards', rules }] }, 'check', 'rules');
    expect(r.status, r.out).toBe(0);
  });

  it.each([
    ['redis', expr(redisDashboard, 'Keyspace hit ratio'), 'redis_keyspace_hits_total', 'redis_keyspace_misses_total'],
    [
      'postgres',
      expr(postgresDashboard, 'Buffer cache hit ratio'),
      'cnpg_pg_stat_database_blks_hit',
      'cnpg_pg_stat_database_blks_read',
    ],
  ])('%s hit ratio: 0.25 at one lookup every 15 s, no value at no lookups', (job, query, hit, miss) => {
    const sel = (m: string) => `${m}{job="${job}",instance="a"}`;
    // One hit and three misses a minute: far below one lookup a second, still a 0.25 ratio.
    const tests = [
      ratioTest(query, sel(hit), sel(miss), 1, 3, [{ labels: '{}', value: 0.25 }]),
      ratioTest(query, sel(hit), sel(miss), 0, 0, []),
    ];
    const r = promtool(tempDir('ratio-'), 'test.yml', { tests }, 'test', 'rules');
    expect(r.status, r.out).toBe(0);
  });
});

if (!HAVE_PROMTOOL)
  describe('dashboard queries under promtool', () => {
    it.skip('skipped: promtool is not installed (apt-get install prometheus; .ci/run installs it)', () => {});
  });
