import { describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/core/cluster-config.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { buildBudget, podCount, podRequests } from '../../src/core/validate/budget.ts';

const c = (cpu: string, memory: string, extra: Record<string, unknown> = {}) => ({
  name: 'c',
  resources: { requests: { cpu, memory } },
  ...extra,
});
const GI = 2 ** 30;
const MI = 2 ** 20;

describe('effective pod requests', () => {
  it('adds the app containers, and takes the init phase when it asks for more', () => {
    expect(podRequests({ containers: [c('100m', '64Mi'), c('200m', '64Mi')] })).toEqual({ cpu: 0.3, memory: 128 * MI });
    expect(podRequests({ initContainers: [c('1', '32Mi')], containers: [c('100m', '64Mi')] })).toEqual({
      cpu: 1,
      memory: 64 * MI,
    });
  });

  it('counts sidecars (init containers that keep running) in both phases, and pod overhead', () => {
    const spec = {
      initContainers: [c('100m', '16Mi', { restartPolicy: 'Always' }), c('500m', '16Mi')],
      containers: [c('200m', '64Mi')],
      overhead: { cpu: '50m', memory: '8Mi' },
    };
    // init phase: 500m + sidecar 100m = 600m; running: 200m + 100m = 300m; plus overhead.
    expect(podRequests(spec)).toEqual({ cpu: 0.65, memory: 88 * MI });
  });

  it('counts replicas for Deployments and StatefulSets, parallelism once for Jobs and CronJobs', () => {
    const o = (kind: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'x' },
      spec,
    });
    expect(podCount(o('StatefulSet', { replicas: 3 }))).toBe(3);
    expect(podCount(o('Deployment', {}))).toBe(1);
    expect(podCount(o('CronJob', { jobTemplate: { spec: { parallelism: 2 } } }))).toBe(2);
  });
});

describe('cluster budget', () => {
  const cluster: ClusterConfig = {
    name: 'kind',
    environment: 'dev',
    destination: { server: 'https://kubernetes.default.svc' },
    repository: { url: 'https://example.com/r.git', revision: 'main' },
    components: ['platform'],
    argocd: {},
    secrets: { provider: 'bootstrap' },
    budget: { cpu: '1', memory: '1Gi' },
    source: 'clusters/kind/cluster.yaml',
  };
  const deployment = (name: string, replicas: number, cpu: string, memory: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, template: { spec: { containers: [c(cpu, memory)] } } },
  });

  it('builds a table per component, Argo CD labelled with where its figures come from', () => {
    const { table, findings } = buildBudget(cluster, [
      { component: 'redis', objects: [deployment('redis', 2, '100m', '128Mi')] },
      {
        component: 'argocd',
        note: 'from bootstrap/argocd/patches',
        objects: [deployment('argocd-server', 1, '50m', '64Mi')],
      },
    ]);
    expect(table.rows.map((r) => [r.component, r.note, r.cpu, r.memory, r.pods])).toEqual([
      ['argocd', 'from bootstrap/argocd/patches', 0.05, 64 * MI, 1],
      ['redis', undefined, 0.2, 256 * MI, 2],
    ]);
    expect(table.total).toEqual({ cpu: 0.25, memory: 320 * MI });
    expect(table.budget).toEqual({ cpu: 1, memory: GI, source: 'clusters/kind/cluster.yaml' });
    expect(findings).toEqual([]);
  });

  it('reports each resource over budget, pointing at the budget in cluster.yaml', () => {
    const { findings } = buildBudget(cluster, [
      { component: 'kafka', objects: [deployment('kafka', 3, '500m', '512Mi')] },
    ]);
    expect(findings.map((f) => [f.rule, f.file, f.pointer, f.message])).toEqual([
      [
        'SOMA-BUDGET',
        'clusters/kind/cluster.yaml',
        '/budget/cpu',
        'kind requests 1500m CPU in total, over its budget of 1',
      ],
      [
        'SOMA-BUDGET',
        'clusters/kind/cluster.yaml',
        '/budget/memory',
        'kind requests 1536Mi memory in total, over its budget of 1Gi',
      ],
    ]);
  });

  it('has no budget finding for a cluster without a budget', () => {
    const { table, findings } = buildBudget({ ...cluster, budget: undefined }, [
      { component: 'kafka', objects: [deployment('kafka', 30, '1', '1Gi')] },
    ]);
    expect(findings).toEqual([]);
    expect(table.budget).toBeUndefined();
  });
});
