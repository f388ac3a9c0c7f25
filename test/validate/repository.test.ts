// The repository pipeline on small repositories in temp folders: real cluster.yaml
// loading, real Application listing and real kustomize; only the generator (whose
// output depends on the real components) is replaced.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, UserError } from '../../src/core/errors.ts';
import { defaultRepo, type RepoDeps } from '../../src/cli/deps.ts';
import { type RepositoryDeps, checkRepository } from '../../src/commands/validate/repository.ts';
import { runProcess } from '../../src/adapters/process.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { exitCode } from '../../src/core/validate/report.ts';
import { toYaml } from '../../src/core/yaml.ts';
import { writeMiniRepo } from '../support/mini-repo.ts';
import { byRule, clone, fixtureObjects } from './helpers.ts';

const compliant = fixtureObjects('policy/compliant.yaml').filter((o) => !o.apiVersion.startsWith('argoproj.io'));

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** The generator's view: these files are planned, and compareTree reports what the test says. */
function deps(
  diff: Partial<{ stale: string[]; missing: string[]; extra: string[]; foreign: string[] }> = {},
  over: Partial<RepoDeps> = {},
): RepositoryDeps {
  return {
    runner: runProcess,
    repo: {
      ...defaultRepo(),
      buildTree: () => new Map([['overlays/dev/redis/objects.yaml', '']]),
      compareTree: async () => ({ stale: [], missing: [], extra: [], ...diff }),
      ...over,
    },
  };
}

const opts = { strict: false, policy: true, concurrency: 2 };

describe('validate (repository)', () => {
  it('renders every Application and checks what it renders, naming cluster/application and the generated file', async () => {
    const redis = clone(compliant);
    (redis.find((o) => o.kind === 'Deployment')!.spec as any).template.spec.containers[0].resourcez = {};
    const root = writeMiniRepo({ redis });
    // Files named by the generator's convention (<kind>-<name>.yaml) are attributed to the object.
    const planned = new Map([
      ['base/redis/deployment-web.yaml', ''],
      ['overlays/dev/redis/patches/deployment-web.yaml', ''],
    ]);
    const report = await checkRepository(root, opts, deps({}, { buildTree: () => planned }));
    expect(report.counts).toMatchObject({ clusters: 1, applications: 2, objects: redis.length + 2 });
    const typo = byRule(report.findings, 'SCHEMA-UNKNOWN-FIELD');
    expect(typo.map((f) => [f.file, f.sources, f.object?.name, f.pointer, f.origins])).toEqual([
      [
        'base/redis/deployment-web.yaml',
        [...planned.keys()],
        'web',
        '/spec/template/spec/containers/0/resourcez',
        ['test/test-redis'],
      ],
    ]);
    // The mini repository's Applications use the 'default' project and sync by hand: the Argo CD rules catch both.
    expect(
      byRule(report.findings, 'SOMA-ARGOCD-PROJECT')
        .map((f) => f.object?.name)
        .sort(),
    ).toEqual(['test-redis', 'test-root']);
    expect(byRule(report.findings, 'SOMA-ARGOCD-SYNC')).toHaveLength(2);
    // And it has neither a default-deny NetworkPolicy nor the redis Service of the contract.
    expect(byRule(report.findings, 'SOMA-SERVICE-CONTRACT').map((f) => [f.file, f.message])).toEqual([
      [
        'overlays/dev/redis',
        "component 'redis' renders no Service redis in soma-infra (contract redis.soma-infra:6379)",
      ],
    ]);
    expect(byRule(report.findings, 'SOMA-NETWORK-POLICY').length).toBeGreaterThan(0);
    expect(exitCode(report)).toBe(1);
  });

  it('lists stale, missing, extra and foreign generated files', async () => {
    const root = writeMiniRepo({ redis: clone(compliant) });
    const diff = {
      stale: ['overlays/dev/redis/objects.yaml'],
      missing: ['base/redis/kustomization.yaml'],
      extra: ['overlays/dev/old/kustomization.yaml'],
      foreign: ['base/redis/notes.yaml'],
    };
    const report = await checkRepository(root, opts, deps(diff));
    expect(report.findings.filter((f) => f.stage === 'freshness').map((f) => [f.rule, f.file])).toEqual([
      ['GENERATED-MISSING', 'base/redis/kustomization.yaml'],
      ['GENERATED-FOREIGN', 'base/redis/notes.yaml'],
      ['GENERATED-EXTRA', 'overlays/dev/old/kustomization.yaml'],
      ['GENERATED-STALE', 'overlays/dev/redis/objects.yaml'],
    ]);
    expect(report.findings.find((f) => f.rule === 'GENERATED-FOREIGN')?.fix).toContain('npm run generate -- --prune');
  });

  it('reports a kustomize failure with the overlay path and still checks the other Applications', async () => {
    const root = writeMiniRepo({ redis: clone(compliant), kafka: clone(compliant) });
    write(
      root,
      'overlays/dev/kafka/kustomization.yaml',
      toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['missing.yaml'] }),
    );
    const report = await checkRepository(root, opts, deps());
    const failed = byRule(report.findings, 'RENDER-KUSTOMIZE');
    expect(failed.map((f) => f.file)).toEqual(['overlays/dev/kafka']);
    expect(failed[0]!.message).toMatch(/^kustomize build failed: .*missing\.yaml/);
    expect(report.checked.filter((c) => c.origin === 'test/test-redis')).toHaveLength(compliant.length);
  });

  it('reports a remote source as skipped, never as passed, without fetching it', async () => {
    const root = writeMiniRepo({ redis: clone(compliant), qdrant: [] });
    write(
      root,
      'overlays/dev/qdrant/kustomization.yaml',
      toYaml({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['https://example.invalid/install.yaml'],
      }),
    );
    const report = await checkRepository(root, opts, deps());
    expect(report.skipped).toEqual([
      { what: 'test/test-qdrant (overlays/dev/qdrant)', reason: expect.stringContaining('remote') },
    ]);
    expect(report.findings.filter((f) => f.stage === 'render')).toEqual([]);
  });

  it('counts a remote source (Argo CD) from its local patches in the budget table, and fails when over budget', async () => {
    const root = writeMiniRepo({ redis: clone(compliant), grafana: [] });
    write(
      root,
      'clusters/test/cluster.yaml',
      toYaml({
        name: 'test',
        environment: 'dev',
        destination: { server: 'https://kubernetes.default.svc' },
        repository: { url: 'https://github.com/example/repo.git', revision: 'main' },
        components: ['platform', 'redis'],
        argocd: {},
        budget: { cpu: '1', memory: '1Gi' },
      }),
    );
    const patch = (name: string, cpu: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { template: { spec: { containers: [{ name, resources: { requests: { cpu, memory: '256Mi' } } }] } } },
    });
    // The grafana Application stands in for Argo CD's: a remote install plus local patches.
    const dir = 'overlays/dev/grafana';
    write(
      root,
      `${dir}/kustomization.yaml`,
      toYaml({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['https://example.invalid/install.yaml'],
        patches: [
          { path: 'patches/deployment-argocd-server.yaml' },
          { path: 'patches/configmap-argocd-cm.yaml' },
          { path: 'patches/deployment-argocd-dex-server.yaml' },
          { patch: toYaml(patch('argocd-repo-server', '300m')) },
        ],
      }),
    );
    write(root, `${dir}/patches/deployment-argocd-server.yaml`, toYaml(patch('argocd-server', '400m')));
    write(
      root,
      `${dir}/patches/configmap-argocd-cm.yaml`,
      toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm' } }),
    );
    write(
      root,
      `${dir}/patches/deployment-argocd-dex-server.yaml`,
      toYaml({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argocd-dex-server' }, $patch: 'delete' }),
    );
    const report = await checkRepository(root, opts, deps());
    const table = report.budgets[0]!;
    expect(table.rows.map((r) => [r.component, r.cpu, r.pods])).toEqual([
      ['grafana', 0.7, 2],
      ['redis', 0.65, 3],
    ]);
    expect(table.rows[0]!.note).toBe('from overlays/dev/grafana patches, upstream install not rendered');
    expect(byRule(report.findings, 'SOMA-BUDGET').map((f) => [f.file, f.pointer])).toEqual([
      ['clusters/test/cluster.yaml', '/budget/cpu'],
    ]);
  });

  it("follows an operator's overlay to the local base that pulls its release: skipped, and counted from the base's patches", async () => {
    const root = writeMiniRepo({ redis: clone(compliant), qdrant: [] });
    const k = (o: Record<string, unknown>) =>
      toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...o });
    write(root, 'overlays/dev/qdrant/kustomization.yaml', k({ resources: ['../../../base/operator'] }));
    write(
      root,
      'base/operator/kustomization.yaml',
      k({
        resources: ['https://example.invalid/release.yaml'],
        patches: [{ path: 'patches/deployment-manager.yaml' }],
      }),
    );
    write(
      root,
      'base/operator/patches/deployment-manager.yaml',
      toYaml({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'manager' },
        spec: { template: { spec: { containers: [{ name: 'manager', resources: { requests: { cpu: '50m' } } }] } } },
      }),
    );
    const report = await checkRepository(root, opts, deps());
    expect(report.skipped.map((s) => s.what)).toEqual(['test/test-qdrant (overlays/dev/qdrant)']);
    expect(report.findings.filter((f) => f.stage === 'render')).toEqual([]);
    const row = report.budgets[0]!.rows.find((r) => r.component === 'qdrant');
    expect([row?.cpu, row?.pods]).toEqual([0.05, 1]);
  });

  it('stops after the inputs when a cluster.yaml is invalid, with every problem', async () => {
    const root = writeMiniRepo({ redis: clone(compliant) });
    write(root, 'clusters/test/cluster.yaml', 'name: test\nenvironment: qa\ncomponents: [platform]\ncolour: blue\n');
    const report = await checkRepository(root, opts, deps());
    expect(report.findings.map((f) => [f.rule, f.pointer]).sort()).toEqual([
      ['INPUT-CLUSTER', '/colour'],
      ['INPUT-CLUSTER', '/destination'],
      ['INPUT-CLUSTER', '/environment'],
      ['INPUT-CLUSTER', '/repository'],
    ]);
    expect(report.counts.applications).toBe(0);
    // Bad input is exit 2, as in generate.
    expect(exitCode(report)).toBe(2);
  });

  it('reports invalid objects built by the TypeScript source against the source, not as a crash', async () => {
    const root = writeMiniRepo({ redis: clone(compliant) });
    const problem = {
      file: 'src/core/components/redis.ts',
      path: 'StatefulSet/soma-infra/redis /spec/template/spec/containers/0/resources/limits/memory',
      message: "is '1GB'; expected number or string in format 'quantity' (in dev)",
      hint: 'write a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi',
    };
    const report = await checkRepository(
      root,
      opts,
      deps(
        {},
        {
          buildTree: () => {
            throw new ConfigError('the TypeScript source builds 1 invalid object field(s)', [problem]);
          },
        },
      ),
    );
    expect(byRule(report.findings, 'SOURCE-INVALID').map((f) => [f.file, f.message, f.fix])).toEqual([
      [problem.file, problem.message, problem.hint],
    ]);
    expect(exitCode(report)).toBe(1);
  });

  it('narrows to one cluster, and refuses an unknown one', async () => {
    const root = writeMiniRepo({ redis: clone(compliant) });
    expect((await checkRepository(root, { ...opts, cluster: 'test' }, deps())).counts.clusters).toBe(1);
    await expect(checkRepository(root, { ...opts, cluster: 'nope' }, deps())).rejects.toThrow(UserError);
  });

  it('cannot run without kustomize: the error propagates (exit 2), it is not a finding', async () => {
    const root = writeMiniRepo({ redis: clone(compliant) });
    // Rendering fails at once while the freshness check is still running: no unhandled rejection, one clear error.
    const noTool = deps(
      {},
      {
        renderApps: async () => {
          throw new UserError('neither kustomize nor kubectl was found on PATH');
        },
        compareTree: () =>
          new Promise((resolve) => setTimeout(() => resolve({ stale: [], missing: [], extra: [] }), 50)),
      },
    );
    await expect(checkRepository(root, opts, noTool)).rejects.toThrow('neither kustomize nor kubectl');
  });
});
