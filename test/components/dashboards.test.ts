import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS, DASHBOARD_UIDS } from '../../src/core/contracts.ts';
import { DATASOURCE_UID, dashboardFiles, dashboardPath } from '../../src/core/components/dashboards/index.ts';
import { CTX } from '../support/context.ts';
import { buildDashboard, layout, type PanelSpec } from '../../src/core/components/dashboards/panels.ts';
import { renderPrometheusConfig, scrapeJob } from '../../src/core/components/prometheus.ts';

type Any = Record<string, any>;

const json = (uid: string): Any => JSON.parse(dashboardFiles(DASHBOARDS)[`${uid}.json`]!);
const exprs = (d: Any): string[] =>
  (d.panels as Any[]).flatMap((p) => (p.targets as Any[]).map((t) => t.expr as string));

/** Metric names a dashboard's queries may use: what the exporters really expose (see the report for sources). */
const EXPOSED: Record<string, RegExp> = {
  postgres:
    /^(up|cnpg_collector_up|cnpg_backends_total|cnpg_pg_stat_database_(xact_commit|xact_rollback|blks_hit|blks_read)|cnpg_pg_database_size_bytes|cnpg_pg_replication_lag|cnpg_pg_stat_archiver_seconds_since_last_archival)$/,
  redis:
    /^(redis_(up|connected_clients|memory_used_bytes|memory_max_bytes|commands_processed_total|keyspace_hits_total|keyspace_misses_total|evicted_keys_total|expired_keys_total|db_keys))$/,
  kafka:
    /^(up|kafka_(server_replicamanager_(underreplicatedpartitions|partitioncount|leadercount)|controller_kafkacontroller_(activebrokercount|activecontrollercount|offlinepartitionscount)|server_brokertopicmetrics_messagesin_total|consumergroup_lag))$/,
  opa: /^(up|http_request_duration_seconds_(count|bucket)|go_goroutines|go_memstats_heap_inuse_bytes)$/,
  vault:
    /^(up|vault_(core_unsealed|core_handle_request(_count)?|expire_num_leases|runtime_(alloc_bytes|sys_bytes|num_goroutines)))$/,
  etcd: /^(up|etcd_(server_(has_leader|leader_changes_seen_total|quota_backend_bytes|proposals_(committed|failed)_total)|mvcc_db_total_size_in_bytes|disk_(wal_fsync|backend_commit)_duration_seconds_bucket))$/,
  qdrant: /^(up|collections_total|(rest|grpc)_responses_(total|fail_total)|rest_responses_avg_duration_seconds)$/,
  prometheus:
    /^(up|ALERTS|prometheus_(config_last_reload_successful|rule_evaluation_failures_total|tsdb_(head_series|head_samples_appended_total|storage_blocks_bytes)))$/,
};
/** Prometheus's own dashboard looks across jobs for these two: every target's up, every firing alert. */
const CROSS_JOB = new Set(['up{job!=""}', 'ALERTS{alertstate="firing"}']);

describe('baseline dashboards', () => {
  it('exist for Postgres, Kafka, Redis, OPA, Vault, etcd, Qdrant and Prometheus with the soma-<component> uids', () => {
    expect(DASHBOARD_UIDS).toEqual({
      postgres: 'soma-postgres',
      kafka: 'soma-kafka',
      redis: 'soma-redis',
      opa: 'soma-opa',
      vault: 'soma-vault',
      etcd: 'soma-etcd',
      qdrant: 'soma-qdrant',
      prometheus: 'soma-prometheus',
    });
    expect(dashboardPath('soma-kafka')).toBe('/d/soma-kafka');
  });

  it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
    '%s: 6 to 8 panels with unique ids, all on the provisioned datasource',
    (uid) => {
      const d = json(uid);
      expect(d.uid).toBe(uid);
      expect(d.panels.length).toBeGreaterThanOrEqual(6);
      expect(d.panels.length).toBeLessThanOrEqual(8);
      expect(new Set(d.panels.map((p: Any) => p.id)).size).toBe(d.panels.length);
      for (const p of d.panels as Any[]) {
        expect(p.datasource.uid).toBe(DATASOURCE_UID);
        for (const t of p.targets as Any[]) expect(t.datasource.uid).toBe(DATASOURCE_UID);
      }
    },
  );

  it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
    "%s: every query selects its component's scrape job, and that job exists",
    (_uid, spec) => {
      const job = scrapeJob(spec.component);
      const jobs = (parse(renderPrometheusConfig(CTX.components)).scrape_configs as Any[]).map((j) => j.job_name);
      expect(jobs).toContain(job);
      for (const e of exprs(json(spec.uid))) {
        const selectors = [...e.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)];
        expect(selectors.length, e).toBeGreaterThan(0);
        for (const [selector, metric, labels] of selectors) {
          if (spec.component === 'prometheus' && CROSS_JOB.has(selector)) continue;
          expect(labels, e).toContain(`job="${job}"`);
          expect(metric, e).toMatch(EXPOSED[spec.component]!);
        }
      }
    },
  );

  it.each(DASHBOARDS.map((d) => [d.uid, d] as const))('%s: panels do not overlap', (uid) => {
    const cells = new Set<string>();
    for (const p of json(uid).panels as Any[]) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
    }
  });

  it('are deterministic', () => {
    expect(dashboardFiles(DASHBOARDS)).toEqual(dashboardFiles(DASHBOARDS));
  });
});

describe('layout', () => {
  const stat: PanelSpec = { kind: 'stat', title: 's', description: '', queries: [{ expr: 'up' }] };
  const series: PanelSpec = { kind: 'timeseries', title: 't', description: '', queries: [{ expr: 'up' }] };

  it('puts stats side by side on the first row and time series two per row below', () => {
    expect(layout([stat, series, stat, series, series])).toEqual([
      { h: 4, w: 12, x: 0, y: 0 },
      { h: 8, w: 12, x: 0, y: 4 },
      { h: 4, w: 12, x: 12, y: 0 },
      { h: 8, w: 12, x: 12, y: 4 },
      { h: 8, w: 12, x: 0, y: 12 },
    ]);
  });

  it('starts time series at the top when there are no stats', () => {
    expect(layout([series])[0]).toEqual({ h: 8, w: 12, x: 0, y: 0 });
  });

  it('colours health stats red below 1 and queries them instantly', () => {
    const [p] = buildDashboard({
      component: 'opa',
      uid: 'x',
      title: 'x',
      description: '',
      panels: [{ ...stat, health: true }],
    }).panels as Any[];
    expect(p!.fieldConfig.defaults.thresholds.steps).toEqual([
      { color: 'red', value: null },
      { color: 'green', value: 1 },
    ]);
    expect(p!.targets[0]).toMatchObject({ instant: true, range: false });
  });
});
