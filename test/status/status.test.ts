// `npm run status` end to end against the fake API server: Argo CD Applications in,
// table/JSON and exit code out; and `--direct` from live objects without Argo CD.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { ARGO_RESOURCES, DEFAULT_RESOURCES, type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { application, writeMiniRepo } from '../support/mini-repo.ts';
import { argoCdWorkloadObjects } from '../../src/core/argocd-install.ts';
import { toYaml } from '../../src/core/yaml.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const captureIo = (root: string, env: Record<string, string>) => sharedCaptureIo({ root, env });

function app(name: string, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'kind-soma-shared-infra' },
    status,
  };
}
const ok = (extra: Record<string, unknown> = {}) => ({
  sync: { status: 'Synced', revision: SHA },
  health: { status: 'Healthy' },
  operationState: { phase: 'Succeeded', finishedAt: '2026-01-01T00:00:00Z' },
  ...extra,
});
const child = (name: string) => ({
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Application',
  namespace: 'argocd',
  name,
  status: 'Synced',
  health: { status: 'Healthy' },
});

let fake: FakeKube;
let env: Record<string, string>;
let dir: string;

beforeEach(async () => {
  fake = await startFakeKube([...DEFAULT_RESOURCES, ...ARGO_RESOURCES]);
  dir = tempDir('status-');
  env = { KUBECONFIG: fake.writeKubeconfig(dir), HOME: dir, SOMASTACK_KUBE_RETRY_SECONDS: '1' };
});
afterEach(async () => fake.close());

function seedTree(postgresHealth: Record<string, unknown>) {
  fake.put(app('kind-soma-root', ok({ resources: [child('kind-soma-postgres'), child('kind-soma-redis')] })));
  fake.put(app('kind-soma-redis', ok()));
  fake.put(
    app(
      'kind-soma-postgres',
      ok({
        health: postgresHealth,
        resources: [
          {
            group: 'apps',
            version: 'v1',
            kind: 'StatefulSet',
            namespace: 'soma-infra',
            name: 'postgres',
            status: 'Synced',
            health: { status: 'Progressing', message: 'Waiting for 1 pods to be ready' },
          },
          {
            group: '',
            version: 'v1',
            kind: 'Service',
            namespace: 'soma-infra',
            name: 'postgres',
            status: 'Synced',
            health: { status: 'Healthy' },
          },
        ],
      }),
    ),
  );
}

describe('status (Argo CD)', () => {
  it('prints a table, the resources not OK with their message, the root with its children’s worst state; exit 1', async () => {
    seedTree({ status: 'Progressing' });
    const io = captureIo(dir, env);
    expect(await main(['status'], io)).toBe(1);
    expect(io.out).toMatch(/^APPLICATION\s+SYNC\s+HEALTH\s+REVISION\s+LAST SYNC\s+MESSAGE$/m);
    expect(io.out).toMatch(/^kind-soma-postgres\s+Synced\s+Progressing\s+a1b2c3d\s+Succeeded 2026-01-01T00:00:00Z/m);
    expect(io.out).toMatch(
      /^kind-soma-root \(root of 2\)\s+Synced\s+Progressing\s+.*child kind-soma-postgres is Synced\/Progressing/m,
    );
    expect(io.out).toMatch(/^kind-soma-redis\s+Synced\s+Healthy/m);
    expect(io.out).toMatch(
      /^kind-soma-postgres: resources not OK\n\s+StatefulSet\/soma-infra\/postgres\s+Synced\s+Progressing\s+Waiting for 1 pods to be ready$/m,
    );
    expect(io.out).not.toContain('Service/soma-infra/postgres');
    expect(io.out).toContain("2 of 3 applications not Synced and Healthy on context 'kind-soma'");
  });

  it('exits 0 when everything is Synced and Healthy, and reports JSON', async () => {
    seedTree({ status: 'Healthy' });
    fake.put(app('kind-soma-postgres', ok()));
    const io = captureIo(dir, env);
    expect(await main(['status', '--json', '--context', 'kind-soma'], io)).toBe(0);
    const report = JSON.parse(io.out);
    expect(report).toMatchObject({ context: 'kind-soma', mode: 'argocd', ok: true });
    expect(report.applications.map((a: { name: string; ok: boolean }) => [a.name, a.ok])).toEqual([
      ['kind-soma-postgres', true],
      ['kind-soma-redis', true],
      ['kind-soma-root', true],
    ]);
  });

  it('--wait polls until everything is OK, showing progress on stderr', async () => {
    seedTree({ status: 'Progressing' });
    let reads = 0;
    fake.onRead((f) => {
      if (++reads === 3) f.put(app('kind-soma-postgres', ok()));
    });
    const io = captureIo(dir, env);
    expect(await main(['status', '--wait', '--interval', '0.02', '--timeout', '5'], io)).toBe(0);
    expect(io.err).toMatch(
      /1\/3 applications Synced and Healthy; waiting for kind-soma-postgres \(Synced\/Progressing\), kind-soma-root/,
    );
    expect(io.err).toMatch(/3\/3 applications Synced and Healthy/);
    expect(io.out).toContain('all 3 applications Synced and Healthy');
  });

  it('--wait gives up after --timeout with exit 1', async () => {
    seedTree({ status: 'Degraded' });
    const io = captureIo(dir, env);
    expect(await main(['status', '--wait', '--interval', '0.02', '--timeout', '0.1'], io)).toBe(1);
    expect(io.err).toMatch(/timed out after/);
  });
});

describe('status: could not check (exit 2, saying which)', () => {
  it('no Argo CD', async () => {
    await fake.close();
    fake = await startFakeKube(DEFAULT_RESOURCES);
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    const io = captureIo(dir, env);
    expect(await main(['status'], io)).toBe(2);
    expect(io.err).toMatch(/Argo CD is not installed on context 'kind-soma'/);
  });

  it('no cluster', async () => {
    await fake.close();
    const io = captureIo(dir, { ...env, SOMASTACK_KUBE_RETRY_SECONDS: '0' });
    expect(await main(['status'], io)).toBe(2);
    expect(io.err).toMatch(/could not reach the cluster at http:\/\/127\.0\.0\.1:\d+ \(context 'kind-soma'\)/);
  });

  it('no permission', async () => {
    fake.fault((r) =>
      r.path.includes('/applications')
        ? {
            status: 403,
            body: {
              kind: 'Status',
              reason: 'Forbidden',
              message: 'applications.argoproj.io is forbidden: User "dev" cannot list resource',
            },
          }
        : undefined,
    );
    const io = captureIo(dir, env);
    expect(await main(['status'], io)).toBe(2);
    expect(io.err).toMatch(/no permission to list Application on context 'kind-soma'/);
  });

  it('an unknown context', async () => {
    const io = captureIo(dir, env);
    expect(await main(['status', '--context', 'prod'], io)).toBe(2);
    expect(io.err).toMatch(/no kubeconfig context 'prod'/);
  });

  it('recovers from a 503 burst without failing', async () => {
    seedTree({ status: 'Healthy' });
    fake.put(app('kind-soma-postgres', ok()));
    let failures = 2;
    fake.fault((r) =>
      r.path.includes('/applications') && failures-- > 0
        ? { status: 503, body: { message: 'etcd leader changed' } }
        : undefined,
    );
    const io = captureIo(dir, env);
    expect(await main(['status'], io)).toBe(0);
  });
});

describe('status --direct (no Argo CD)', () => {
  const deployment = (readyReplicas: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'redis', namespace: 'soma-infra', generation: 1 },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'redis' } },
      template: {
        metadata: { labels: { app: 'redis' } },
        spec: { containers: [{ name: 'redis', image: 'redis:8.0.2' }] },
      },
    },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas, availableReplicas: readyReplicas },
  });
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'redis', namespace: 'soma-infra' },
    spec: { ports: [{ port: 6379 }] },
  };
  const pvc: KubeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'redis-data', namespace: 'soma-infra' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };

  it('judges each Application from its live objects: Missing, Progressing, Healthy', async () => {
    const root = writeMiniRepo({ redis: [deployment(1), service, pvc] });
    await fake.close();
    fake = await startFakeKube(DEFAULT_RESOURCES); // Argo CD absent
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    fake.put(deployment(0));
    fake.put(service);
    const io = captureIo(root, env);
    const code = await main(['status', '--direct', '--json'], io);
    expect(code).toBe(1);
    const report = JSON.parse(io.out);
    const redis = report.applications.find((a: { name: string }) => a.name === 'test-redis');
    expect(redis).toMatchObject({ health: 'Missing', sync: 'Unknown', ok: false });
    // In kustomize's (apply) order; the message names the worst one.
    expect(redis.problems.map((p: { kind: string; health: string }) => [p.kind, p.health])).toEqual([
      ['PersistentVolumeClaim', 'Missing'],
      ['Deployment', 'Progressing'],
    ]);
    expect(redis.message).toBe('PersistentVolumeClaim/soma-infra/redis-data is Missing: not in the cluster');

    fake.put({ ...pvc, status: { phase: 'Bound' } });
    fake.put(deployment(1));
    const again = captureIo(root, env);
    expect(await main(['status', '--direct'], again)).toBe(1); // the root's Application objects are Missing: no Argo CD
    expect(again.out).toMatch(/^test-redis\s+Unknown\s+Healthy/m);
    expect(again.out).toMatch(/^test-root\s+Unknown\s+Missing/m);
  });
});

describe('status --direct judges Argo CD itself by its workloads', () => {
  /** The mini repository plus an `argocd` Application whose install is remote (as bootstrap/argocd is). */
  function repoWithArgoCd(): string {
    const root = writeMiniRepo({ redis: [] });
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('apps/test/kustomization.yaml', 'resources: [redis.yaml, argocd.yaml]\n');
    write('apps/test/argocd.yaml', toYaml(application('test-argocd', 'bootstrap/argocd', 'argocd')));
    write('bootstrap/argocd/kustomization.yaml', 'resources:\n  - https://example.com/argo-cd/install.yaml\n');
    return root;
  }

  it('an Argo CD that is not installed at all is Missing, not Healthy', async () => {
    await fake.close();
    fake = await startFakeKube(DEFAULT_RESOURCES); // no Argo CD: no workloads in its namespace
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    const io = captureIo(repoWithArgoCd(), env);
    expect(await main(['status', '--direct', '--json'], io)).toBe(1);
    const argocd = JSON.parse(io.out).applications.find((a: { name: string }) => a.name === 'test-argocd');
    expect(argocd).toMatchObject({ health: 'Missing', ok: false });
    expect(argocd.message).toMatch(/^(Deployment|StatefulSet)\/argocd\/argocd-[a-z-]+ is Missing/);
  });

  it('an installed, rolled-out Argo CD is Healthy', async () => {
    await fake.close();
    fake = await startFakeKube(DEFAULT_RESOURCES);
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    // The fixture cluster is not Kind, so it runs the HA install: every workload at its replica count.
    for (const w of argoCdWorkloadObjects('ha')) {
      const replicas = (w.spec as { replicas: number }).replicas;
      const status =
        w.kind === 'StatefulSet'
          ? {
              observedGeneration: 1,
              replicas,
              readyReplicas: replicas,
              currentReplicas: replicas,
              updatedReplicas: replicas,
            }
          : {
              observedGeneration: 1,
              replicas,
              updatedReplicas: replicas,
              readyReplicas: replicas,
              availableReplicas: replicas,
            };
      fake.put({ ...w, metadata: { ...w.metadata, generation: 1 }, status });
    }
    const io = captureIo(repoWithArgoCd(), env);
    await main(['status', '--direct', '--json'], io);
    const argocd = JSON.parse(io.out).applications.find((a: { name: string }) => a.name === 'test-argocd');
    expect(argocd).toMatchObject({ health: 'Healthy' });
  });
});

describe.each([
  ['cnpg', 'cnpg-system', 'cnpg-controller-manager'],
  ['strimzi', 'strimzi', 'strimzi-cluster-operator'],
])('status --direct judges an operator (%s) by the workloads its spec sizes', (component, namespace, deployment) => {
  function repoWithOperator(): string {
    const root = writeMiniRepo({ redis: [] });
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('apps/test/kustomization.yaml', `resources: [redis.yaml, ${component}.yaml]\n`);
    const app = application(`test-${component}`, `overlays/dev/${component}`, namespace) as KubeObject;
    app.metadata.labels = { ...app.metadata.labels, 'app.kubernetes.io/component': component };
    write(`apps/test/${component}.yaml`, toYaml(app));
    write(`overlays/dev/${component}/kustomization.yaml`, `resources:\n  - ../../../base/${component}\n`);
    write(`base/${component}/kustomization.yaml`, `resources:\n  - https://example.com/${component}.yaml\n`);
    return root;
  }

  it(`Missing until the controller runs in ${namespace}, then Healthy`, async () => {
    await fake.close();
    fake = await startFakeKube(DEFAULT_RESOURCES);
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    const root = repoWithOperator();
    const first = captureIo(root, env);
    await main(['status', '--direct', '--json'], first);
    const missing = JSON.parse(first.out).applications.find((a: { name: string }) => a.name === `test-${component}`);
    expect(missing).toMatchObject({ health: 'Missing', ok: false });
    expect(missing.message).toMatch(new RegExp(`^Deployment/${namespace}/${deployment} is Missing`));
    fake.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: deployment, namespace, generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 },
    });
    const again = captureIo(root, env);
    await main(['status', '--direct', '--json'], again);
    const healthy = JSON.parse(again.out).applications.find((a: { name: string }) => a.name === `test-${component}`);
    expect(healthy).toMatchObject({ health: 'Healthy' });
  });
});

describe("status --direct judges cert-manager's kinds as Argo CD's shipped scripts do", () => {
  const certificate = (status?: Record<string, unknown>): KubeObject => ({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'vault-tls', namespace: 'soma-infra' },
    spec: { secretName: 'vault-tls', issuerRef: { name: 'soma-infra-ca' } },
    ...(status ? { status } : {}),
  });
  const ready = (s: 'True' | 'False', message: string) => ({ conditions: [{ type: 'Ready', status: s, message }] });

  it.each([
    [undefined, 'Progressing', 'Waiting for certificate'],
    [ready('False', 'Issuer soma-infra-ca not ready'), 'Degraded', 'Issuer soma-infra-ca not ready'],
    [
      {
        conditions: [
          ...ready('True', 'up to date').conditions,
          { type: 'Issuing', status: 'True', message: 'renewing' },
        ],
      },
      'Progressing',
      'renewing',
    ],
    [ready('True', 'Certificate is up to date and has not expired'), 'Healthy', undefined],
  ] as const)('a Certificate with status %j makes the Application %s', async (status, health, message) => {
    const root = writeMiniRepo({ vault: [certificate()] });
    await fake.close();
    fake = await startFakeKube([
      ...DEFAULT_RESOURCES,
      { group: 'cert-manager.io', version: 'v1', kind: 'Certificate', plural: 'certificates', namespaced: true },
    ]);
    env.KUBECONFIG = fake.writeKubeconfig(dir);
    fake.put(certificate(status as Record<string, unknown> | undefined));
    const io = captureIo(root, env);
    await main(['status', '--direct', '--json'], io);
    const vault = JSON.parse(io.out).applications.find((a: { name: string }) => a.name === 'test-vault');
    expect(vault.health).toBe(health);
    if (message) expect(vault.message).toContain(message);
  });
});

describe('status --timeout takes a duration like every other command', () => {
  it('--timeout 15m waits fifteen minutes (on a virtual clock from Deps), then exits 1', async () => {
    seedTree({ status: 'Progressing' });
    const io = captureIo(dir, env);
    const clock = { t: 0 };
    const deps = { now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    expect(await main(['status', '--wait', '--timeout', '15m', '--interval', '1m'], io, { deps })).toBe(1);
    const waited = Number(/timed out after (\d+)s/.exec(io.err)?.[1]);
    expect(waited).toBeGreaterThanOrEqual(15 * 60);
    expect(waited).toBeLessThan(16 * 60);
  });
});
