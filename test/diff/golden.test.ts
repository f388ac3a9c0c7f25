// Golden Markdown for representative changes. The files under test/golden/diff/ are the
// reviewed output; rewrite them only on purpose: UPDATE_GOLDEN=1 npx vitest run test/diff
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDiffReport } from '../../src/core/diff/engine.ts';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/core/diff/markdown.ts';
import type { AppRender, DiffReport } from '../../src/core/diff/types.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import {
  app,
  baseApps,
  configMap,
  deployment,
  find,
  fixtureSources,
  secret,
  service,
  side,
  statefulSet,
} from './fixtures.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'diff');
const MARKER = '<!-- somastack:rendered-diff -->';
const spec = (o: KubeObject) => o.spec as Record<string, any>;

function diff(change: (apps: AppRender[]) => AppRender[], changedFiles: string[] = []): Promise<DiffReport> {
  return buildDiffReport({
    base: side(baseApps(), 'origin/main', '1111111111111111111111111111111111111111'),
    head: side(change(baseApps()), 'working tree'),
    changedFiles,
    sources: fixtureSources,
  });
}

function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, `${name}.md`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`no golden file ${file}: review the output, then create it with UPDATE_GOLDEN=1`);
  expect(actual, `${name}.md differs from the golden copy (UPDATE_GOLDEN=1 rewrites it after review)`).toBe(
    readFileSync(file, 'utf8'),
  );
}

const markdown = (r: DiffReport) =>
  renderMarkdown(r, {
    marker: MARKER,
    limit: GITHUB_COMMENT_LIMIT,
    fullDiff: "`reports/diff.md` in this run's artifacts",
  });

const scenarios: Record<string, () => Promise<DiffReport>> = {
  'image-bump': () =>
    diff(
      (apps) => {
        spec(find(apps, 'redis', 'Deployment')).template.spec.containers[0].image = 'docker.io/library/redis:8.2.2';
        return apps;
      },
      ['base/redis/deployment-redis.yaml'],
    ),
  'replica-change': () =>
    diff(
      (apps) => {
        spec(find(apps, 'opa', 'Deployment')).replicas = 2;
        return apps;
      },
      ['base/opa/deployment-opa.yaml'],
    ),
  'new-component': () =>
    diff((apps) => [
      ...apps,
      app('qdrant', [
        service('qdrant', 6333),
        statefulSet('qdrant', 'docker.io/qdrant/qdrant:v1.15.4'),
        configMap('qdrant-config', 'qdrant', { 'production.yaml': 'storage:\n  storage_path: /qdrant/storage\n' }),
      ]),
    ]),
  'removed-component': () => diff((apps) => apps.filter((a) => a.component !== 'opa')),
  'volume-claim-templates': () =>
    diff(
      (apps) => {
        spec(find(apps, 'postgres', 'StatefulSet')).volumeClaimTemplates[0].spec.resources.requests.storage = '5Gi';
        return apps;
      },
      ['base/postgres/statefulset-postgres.yaml'],
    ),
  'secret-key-change': () =>
    diff((apps) => {
      const pg = apps.find((a) => a.component === 'postgres')!;
      pg.objects = pg.objects.map((o) =>
        o.kind === 'Secret'
          ? secret(o.metadata.name, 'postgres', {
              username: 'soma',
              password: 'rotated-9d1c',
              database: 'soma',
              sslmode: 'require',
            })
          : o,
      );
      return apps;
    }),
  'no-change': () => diff((apps) => apps),
  'over-limit': () =>
    diff((apps) => {
      const big = (i: number, v: string) =>
        configMap(`dashboard-${String(i).padStart(2, '0')}`, 'grafana', {
          'dashboard.json': Array.from({ length: 150 }, (_, n) => `{"panel": ${n}, "title": "${v} ${i}/${n}"}`).join(
            '\n',
          ),
        });
      const grafana = (v: string) =>
        app('grafana', [
          deployment('grafana', 'docker.io/grafana/grafana:12.1.1'),
          ...Array.from({ length: 12 }, (_, i) => big(i, v)),
        ]);
      apps.push(grafana('after'));
      return apps;
    }),
};

describe('golden Markdown', () => {
  for (const [name, make] of Object.entries(scenarios)) {
    it(name, async () => {
      const md = markdown(await make());
      expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
      expect(md.startsWith(MARKER)).toBe(true);
      expectGolden(name, md);
    });
  }
});

describe('what the Markdown must say', () => {
  it('an image bump is a rollout, with the YAML path and the changed source', async () => {
    const md = markdown(await scenarios['image-bump']!());
    expect(md).toContain('pods are replaced by a rolling update');
    expect(md).toMatch(/@@ .* spec\.template\.spec\.containers\[redis\]/);
    expect(md).toContain('`base/redis/deployment-redis.yaml` (changed)');
    expect(md).toContain('-          image: docker.io/library/redis:8.2.1');
    expect(md).toContain('+          image: docker.io/library/redis:8.2.2');
  });

  it('a volumeClaimTemplates change needs attention: recreate', async () => {
    const md = markdown(await scenarios['volume-claim-templates']!());
    const summary = md.slice(0, md.indexOf('<details>'));
    expect(summary).toContain('Needs attention');
    expect(summary).toContain('`spec.volumeClaimTemplates` changed: must be recreated');
  });

  it('a removed component is one prune line in the summary and every object below', async () => {
    const md = markdown(await scenarios['removed-component']!());
    expect(md).toContain('Application removed: Argo CD prunes its 2 objects');
    expect(md.match(/removed: Argo CD will prune \(delete\) it/g)).toHaveLength(2);
  });

  it('a Secret change names keys and never values', async () => {
    const md = markdown(await scenarios['secret-key-change']!());
    expect(md).toContain('Secret keys added sslmode; changed password');
    for (const v of ['rotated-9d1c', 'correct-horse', 'require']) {
      expect(md).not.toContain(v);
      expect(md).not.toContain(Buffer.from(v).toString('base64'));
    }
  });

  it('an app that cannot be rendered offline but whose inputs changed needs a look by hand', async () => {
    const remote = {
      ...app('argocd', []),
      path: 'bootstrap/argocd',
      remote: true,
      skipped: 'bootstrap/argocd pulls a remote resource',
    };
    const r = await buildDiffReport({
      base: side([remote], 'main'),
      head: side([remote], 'head'),
      changedFiles: ['bootstrap/argocd/patches/argocd-cm.yaml'],
    });
    const md = markdown(r);
    expect(r.changed).toBe(true);
    expect(md).toContain(
      'inputs changed but were not rendered (bootstrap/argocd pulls a remote resource): review bootstrap/argocd/patches/argocd-cm.yaml by hand',
    );
    expect(md).toContain('| kind-soma | dev | 0 / 0 / 0 (1 not rendered) |');
  });

  it('no change says so and has no sections', async () => {
    const md = markdown(await scenarios['no-change']!());
    expect(md).toContain('No changes to the rendered manifests: 3 Applications in 1 cluster compared.');
    expect(md).not.toContain('<details>');
  });

  it('over the limit: cut at object boundaries, tags balanced, summary complete, note with pointer', async () => {
    const r = await scenarios['over-limit']!();
    const full = renderMarkdown(r, { marker: MARKER });
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const md = markdown(r);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    expect(md).toMatch(/\d+ of 13 changed objects are shown above/);
    expect(md).toContain("`reports/diff.md` in this run's artifacts");
    expect(md).toContain('| kind-soma | dev | 1 / 0 / 0 | 13 / 0 / 0 |');
    // every fence that opens is closed: the cut never lands inside a block
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    const shown = Number(/(\d+) of 13/.exec(md)![1]);
    expect(md.match(/^\*\*`/gm)).toHaveLength(shown);
    expect(shown).toBeGreaterThan(0);
  });
});
