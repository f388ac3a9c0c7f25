import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDiffReport } from '../../src/core/diff/engine.ts';
import { assessImpact } from '../../src/core/diff/impact.ts';
import { compareSecretKeys, digestSecretValues, maskSecretPair } from '../../src/core/diff/secrets.ts';
import { diffYaml, objectYaml, yamlPathAt } from '../../src/core/diff/text.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import type { AppRender } from '../../src/core/diff/types.ts';
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

const clone = <T>(v: T): T => structuredClone(v);
const spec = (o: KubeObject) => o.spec as Record<string, any>;

function report(before = baseApps(), after = baseApps(), changedFiles: string[] = []) {
  return buildDiffReport({
    base: side(before, 'main', 'a'.repeat(40)),
    head: side(after, 'working tree'),
    changedFiles,
    sources: fixtureSources,
  });
}

describe('matching objects across revisions', () => {
  it('reports nothing when both renders are equal, whatever the key order', async () => {
    const after = baseApps();
    const svc = find(after, 'redis', 'Service');
    const reordered = { spec: svc.spec, metadata: svc.metadata, kind: svc.kind, apiVersion: svc.apiVersion };
    after[1]!.objects[0] = reordered as KubeObject;
    const r = await report(baseApps(), after);
    expect(r.changed).toBe(false);
    expect(r.clusters[0]!.apps.every((a) => a.status === 'unchanged')).toBe(true);
  });

  it('matches by group/kind/namespace/name, so a rename is a removal plus an addition', async () => {
    const after = baseApps();
    find(after, 'opa', 'Service').metadata.name = 'opa-api';
    const objects = (await report(baseApps(), after)).clusters[0]!.apps.find((a) => a.component === 'opa')!.objects;
    expect(objects.map((o) => [o.ref, o.status])).toEqual([
      ['Service/soma-infra/opa', 'removed'],
      ['Service/soma-infra/opa-api', 'added'],
    ]);
  });

  it('keeps objects of the same name but another kind apart', async () => {
    const after = baseApps();
    after[2]!.objects.push(configMap('opa', 'opa', { a: '1' }));
    const objects = (await report(baseApps(), after)).clusters[0]!.apps.find((a) => a.component === 'opa')!.objects;
    expect(objects.map((o) => o.key)).toEqual(['/ConfigMap/soma-infra/opa']);
  });

  it('counts apps, objects and lines per cluster', async () => {
    const after = baseApps();
    spec(find(after, 'redis', 'Deployment')).replicas = 2;
    after.push(app('qdrant', [service('qdrant', 6333)]));
    const r = await report(
      baseApps(),
      after.filter((a) => a.component !== 'opa'),
    );
    const s = r.clusters[0]!.summary;
    expect(s.apps).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1, notRendered: 0 });
    expect(s.objects).toEqual({ added: 1, removed: 2, changed: 1 });
    expect(s.linesAdded).toBeGreaterThan(1);
    expect(s.linesRemoved).toBeGreaterThan(10);
  });

  it('marks a cluster that exists at only one revision', async () => {
    const head = side(baseApps(), 'head');
    head.clusters.push({
      name: 'prod-eu',
      environment: 'prod',
      apps: [app('redis', [service('redis', 6379)], 'prod-eu')],
    });
    const r = await buildDiffReport({ base: side(baseApps(), 'base'), head, changedFiles: [] });
    expect(r.clusters.map((c) => [c.cluster, c.status])).toEqual([
      ['kind-soma', undefined],
      ['prod-eu', 'added'],
    ]);
  });

  it('shows an un-rendered (remote) app as changed when its local inputs changed', async () => {
    const remote = (objects: KubeObject[]) => ({
      ...app('argocd', objects),
      path: 'bootstrap/argocd',
      remote: true,
      skipped: 'remote kustomization',
    });
    const r = await buildDiffReport({
      base: side([remote([])], 'base'),
      head: side([remote([])], 'head'),
      changedFiles: ['bootstrap/argocd/patches/argocd-cm.yaml', 'base/redis/x.yaml'],
    });
    const a = r.clusters[0]!.apps[0]!;
    expect(a.status).toBe('not-rendered');
    expect(a.changedInputs).toEqual(['bootstrap/argocd/patches/argocd-cm.yaml']);
    expect(r.changed).toBe(true);
  });

  it('records provenance and which of the sources changed', async () => {
    const after = baseApps();
    spec(find(after, 'redis', 'Deployment')).replicas = 3;
    const r = await report(baseApps(), after, ['base/redis/deployment-redis.yaml']);
    const o = r.clusters[0]!.apps.find((a) => a.component === 'redis')!.objects[0]!;
    expect(o.sources).toEqual(['base/redis/deployment-redis.yaml']);
    expect(o.changedSources).toEqual(['base/redis/deployment-redis.yaml']);
  });
});

describe('impact of a change', () => {
  const dep = deployment('redis', 'redis:8.2.1');
  const sts = statefulSet('postgres', 'postgres:17.6');
  const change = (o: KubeObject, edit: (c: Record<string, any>) => void) => {
    const c = clone(o) as Record<string, any>;
    edit(c);
    return c as KubeObject;
  };
  const cases: { name: string; base?: KubeObject; head?: KubeObject; kinds: string[]; severity?: string }[] = [
    { name: 'new object', head: dep, kinds: ['create'] },
    { name: 'removed object', base: dep, kinds: ['prune'] },
    {
      name: 'removed PVC warns about data',
      base: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd' }, spec: {} },
      kinds: ['prune', 'prune'],
      severity: 'danger',
    },
    {
      name: 'removed with Prune=false is kept',
      base: change(
        dep,
        (c) => (c.metadata.annotations = { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false' }),
      ),
      kinds: ['keep'],
    },
    {
      name: 'image bump rolls out',
      base: dep,
      head: change(dep, (c) => (c.spec.template.spec.containers[0].image = 'redis:8.2.2')),
      kinds: ['rollout'],
    },
    { name: 'replicas scale', base: dep, head: change(dep, (c) => (c.spec.replicas = 3)), kinds: ['scale'] },
    {
      name: 'Deployment selector is immutable',
      base: dep,
      head: change(dep, (c) => (c.spec.selector.matchLabels.x = 'y')),
      kinds: ['recreate'],
      severity: 'danger',
    },
    {
      name: 'StatefulSet volumeClaimTemplates are immutable',
      base: sts,
      head: change(sts, (c) => (c.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '5Gi')),
      kinds: ['recreate'],
      severity: 'danger',
    },
    {
      name: 'StatefulSet serviceName is immutable',
      base: sts,
      head: change(sts, (c) => (c.spec.serviceName = 'pg')),
      kinds: ['recreate'],
    },
    {
      name: 'StatefulSet updateStrategy is mutable',
      base: sts,
      head: change(sts, (c) => (c.spec.updateStrategy = { type: 'OnDelete' })),
      kinds: ['update'],
    },
    {
      name: 'Service clusterIP is immutable',
      base: service('a', 1),
      head: change(service('a', 1), (c) => (c.spec.clusterIP = 'None')),
      kinds: ['recreate'],
    },
    { name: 'Service port change is in place', base: service('a', 1), head: service('a', 2), kinds: ['update'] },
    {
      name: 'Job template is immutable',
      base: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { template: { spec: { containers: [{ name: 'a', image: 'x:1' }] } } },
      },
      head: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'j' },
        spec: { template: { spec: { containers: [{ name: 'a', image: 'x:2' }] } } },
      },
      kinds: ['recreate'],
    },
    {
      name: 'PVC growth is a volume expansion',
      base: pvc('1Gi'),
      head: pvc('10Gi'),
      kinds: ['expand'],
      severity: 'warning',
    },
    { name: 'PVC shrink is rejected', base: pvc('10Gi'), head: pvc('1Gi'), kinds: ['reject'], severity: 'danger' },
    {
      name: 'PVC storage class is immutable',
      base: pvc('1Gi'),
      head: change(pvc('1Gi'), (c) => (c.spec.storageClassName = 'fast')),
      kinds: ['recreate'],
    },
    {
      name: 'ConfigMap data change',
      base: configMap('c', 'x', { a: '1' }),
      head: configMap('c', 'x', { a: '2' }),
      kinds: ['config'],
    },
    {
      name: 'immutable ConfigMap data change',
      base: { ...configMap('c', 'x', { a: '1' }), immutable: true },
      head: { ...configMap('c', 'x', { a: '2' }), immutable: true },
      kinds: ['recreate'],
    },
    { name: 'RoleBinding roleRef is immutable', base: rb('view'), head: rb('edit'), kinds: ['recreate'] },
    { name: 'labels only', base: dep, head: change(dep, (c) => (c.metadata.labels.extra = 'x')), kinds: ['metadata'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const impacts = assessImpact(c.base, c.head);
      expect(impacts.map((i) => i.kind)).toEqual(c.kinds);
      if (c.severity) expect(impacts.some((i) => i.severity === c.severity)).toBe(true);
    });
  }

  it('names the immutable field and how to recreate a StatefulSet', () => {
    const head = change(sts, (c) => (c.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '5Gi'));
    const [i] = assessImpact(sts, head);
    expect(i!.fields).toEqual(['spec.volumeClaimTemplates']);
    expect(i!.message).toContain('--cascade=orphan');
  });

  it('reports a template change and a scale together', () => {
    const head = change(dep, (c) => {
      c.spec.replicas = 2;
      c.spec.template.spec.containers[0].image = 'redis:9';
    });
    expect(assessImpact(dep, head).map((i) => i.kind)).toEqual(['scale', 'rollout']);
    expect(assessImpact(dep, head)[0]!.message).toBe('scales from 1 to 2 replicas');
  });

  function pvc(storage: string): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    };
  }
  function rb(role: string): KubeObject {
    return {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'r' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [],
    };
  }
});

describe('render keys', () => {
  it('takes an Application with the same render key at both revisions as unchanged, without comparing its objects', async () => {
    const a = app('redis', [statefulSet('redis', 'redis:8.2.1')]);
    const b = app('redis', [statefulSet('redis', 'redis:9')]);
    const same = await buildDiffReport({
      base: side([{ ...a, renderKey: 'k1' }], 'base'),
      head: side([{ ...b, renderKey: 'k1' }], 'head'),
      changedFiles: [],
    });
    expect(same.clusters[0]!.apps[0]!.status).toBe('unchanged');
    const differ = await buildDiffReport({
      base: side([{ ...a, renderKey: 'k1' }], 'base'),
      head: side([{ ...b, renderKey: 'k2' }], 'head'),
      changedFiles: [],
    });
    expect(differ.clusters[0]!.apps[0]!.status).toBe('changed');
  });

  it('compares a pair of renders once for every Application that has it, and never mixes up two pairs', async () => {
    const old = app('redis', [statefulSet('redis', 'redis:8')]);
    const bumped = app('redis', [statefulSet('redis', 'redis:9')]);
    const other = app('redis', [statefulSet('redis', 'redis:10')]);
    const cluster = (name: string, apps: AppRender[]) => ({
      name,
      environment: 'dev',
      apps: apps.map((a) => ({ ...a, cluster: name })),
    });
    const r = await buildDiffReport({
      base: { ref: 'base', files: [], clusters: ['a', 'b', 'c'].map((n) => cluster(n, [{ ...old, renderKey: 'k1' }])) },
      head: {
        ref: 'head',
        files: [],
        clusters: [
          cluster('a', [{ ...bumped, renderKey: 'k2' }]),
          cluster('b', [{ ...bumped, renderKey: 'k2' }]),
          cluster('c', [{ ...other, renderKey: 'k3' }]),
        ],
      },
      changedFiles: [],
    });
    const patches = r.clusters.map((c) => c.apps[0]!.objects.map((o) => o.patch).join(''));
    expect(patches[0]).toMatch(/^\+\s+image: redis:9$/m);
    expect(patches[1]).toBe(patches[0]);
    expect(patches[2]).toMatch(/^\+\s+image: redis:10$/m);
  });
});

describe('Secrets', () => {
  const before = secret('s', 'postgres', { username: 'db-user-7f3a', password: 'old-password', gone: 'gone-value-91' });
  const after = secret('s', 'postgres', {
    username: 'db-user-7f3a',
    password: 'new-password',
    fresh: 'fresh-value-42',
  });

  it('compares keys by value hash, counting stringData like data', () => {
    const viaStringData: KubeObject = {
      ...before,
      data: undefined,
      stringData: { username: 'db-user-7f3a', password: 'old-password', gone: 'gone-value-91' },
    };
    expect(compareSecretKeys(before, viaStringData)).toEqual({ added: [], removed: [], changed: [] });
    expect(compareSecretKeys(before, after)).toEqual({ added: ['fresh'], removed: ['gone'], changed: ['password'] });
  });

  it('never lets a value, or its base64, into the report', async () => {
    const withLastApplied = clone(after);
    withLastApplied.metadata.annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(after),
    };
    const r = await buildDiffReport({
      base: side([app('postgres', [before])], 'base'),
      head: side([app('postgres', [withLastApplied])], 'head'),
      changedFiles: [],
    });
    const text = JSON.stringify(r);
    for (const v of ['old-password', 'new-password', 'db-user-7f3a', 'gone-value-91', 'fresh-value-42']) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(Buffer.from(v).toString('base64'));
    }
    const o = r.clusters[0]!.apps[0]!.objects[0]!;
    expect(o.secretKeys).toEqual({ added: ['fresh'], removed: ['gone'], changed: ['password'] });
    expect(o.patch).toContain('-  password: <redacted, old value>');
    expect(o.patch).toContain('+  password: <redacted, new value>');
    expect(o.patch).not.toMatch(/^[-+]\s+username:/m);
  });

  it('compares digested Secrets (what the render cache keeps) as it compares the values', () => {
    const digest = (b: Buffer) => createHash('sha256').update('k').update(b).digest('hex');
    const viaStringData: KubeObject = {
      ...before,
      data: undefined,
      stringData: { username: 'db-user-7f3a', password: 'old-password', gone: 'gone-value-91' },
    };
    const [b, h, s] = [before, after, viaStringData].map((o) => digestSecretValues(o, digest));
    expect(compareSecretKeys(b, h)).toEqual(compareSecretKeys(before, after));
    expect(compareSecretKeys(b, s)).toEqual({ added: [], removed: [], changed: [] });
    expect(JSON.stringify([b, h, s])).not.toMatch(/password'|old-password|b2xkLXBhc3N3b3Jk/);
    const cm = configMap('c', 'x', { a: '1' });
    expect(digestSecretValues(cm, digest)).toBe(cm);
  });

  it('masks an unchanged value the same on both sides, so only real changes show', () => {
    const m = maskSecretPair(before, clone(before));
    expect(objectYaml(m.base)).toBe(objectYaml(m.head));
  });
});

describe('line diffs', () => {
  it('names the YAML path of each hunk', () => {
    const a = objectYaml(statefulSet('postgres', 'postgres:17.6'));
    const b = objectYaml(statefulSet('postgres', 'postgres:17.7'));
    const d = diffYaml(a, b, 2);
    expect(d.patch.split('\n')[0]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@ spec\.template\.spec\.containers\[postgres\]$/);
    expect([d.added, d.removed]).toEqual([1, 1]);
  });

  it('labels unnamed list items by position', () => {
    const lines = ['spec:', '  ports:', '    - port: 1', '      protocol: TCP', '    - port: 2', '      protocol: UDP'];
    expect(yamlPathAt(lines, 5)).toBe('spec.ports[1]');
    expect(yamlPathAt(lines, 3)).toBe('spec.ports[0]');
    expect(yamlPathAt(lines, 0)).toBe('');
  });

  it('an added object is all additions', () => {
    const d = diffYaml('', objectYaml(service('redis', 6379)));
    expect(d.removed).toBe(0);
    expect(d.added).toBe(objectYaml(service('redis', 6379)).trimEnd().split('\n').length);
  });
});
