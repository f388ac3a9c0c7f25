// `npm run smoke` end to end against the fake API server: workloads and secrets seeded,
// a scripted Job controller answering each check's Job with a realistic log.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as cliMain } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/types.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { DEFAULT_RESOURCES, type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { runJobs, type PodScript } from '../support/fake-kube-live.ts';
import { writeMiniRepo } from '../support/mini-repo.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';
import { tempDir } from '../support/temp.ts';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import { expectedScrapeJobs } from '../../src/core/components/prometheus.ts';

const PASSWORD = 's3cret-pg-password';
const GOOD: Record<string, (job: KubeObject) => PodScript> = {
  postgres: () => ({ phase: 'Succeeded', log: '1\n' }),
  redis: () => ({ phase: 'Succeeded', log: 'PONG\n' }),
  kafka: () => ({ phase: 'Succeeded', log: 'brokers 1\nsent soma-smoke-t1-payload\nreceived soma-smoke-t1-payload\n' }),
  opa: () => ({ phase: 'Succeeded', log: 'allow {"result":true}\ndeny {"result":false}\n' }),
  vault: () => ({ phase: 'Succeeded', log: 'health 200 {"initialized":true,"sealed":false,"standby":false}\n' }),
  etcd: () => ({ phase: 'Succeeded', log: 'health 200 {"health":"true","reason":""}\n' }),
  prometheus: () => ({
    phase: 'Succeeded',
    // A target up in every job Prometheus has (each job of the cluster's components needs one).
    log: `targets 200 ${JSON.stringify({ data: { activeTargets: expectedScrapeJobs(COMPONENT_LIST).map((job) => ({ health: 'up', labels: { job } })) } })}\n`,
  }),
  grafana: () => ({
    phase: 'Succeeded',
    log: 'health 200 {"database":"ok"}\ndatasources 200 [{"uid":"prometheus"}]\nds prometheus 200 {"status":"OK"}\n',
  }),
  networkpolicy: (job) => ({
    phase: 'Succeeded',
    log: job.metadata.namespace!.endsWith('-denied') ? 'exit 2\n' : 'exit 0\n',
  }),
};

const captureIo = (root: string, env: Record<string, string>) => sharedCaptureIo({ root, env });
// A fixed run id (namespace names the test can predict) and fast polling, through Deps.
const main = (argv: string[], io: Io) => cliMain(argv, io, { deps: { runId: () => 't1', pollMs: 10 } });

const sts = (name: string, image: string, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'soma-infra' },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name, image },
          { name: 'exporter', image: 'exporter:1' },
        ],
      },
    },
  },
});
const KAFKA_IMAGE = 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1';
const NODE_POOLS = {
  group: 'kafka.strimzi.io',
  version: 'v1',
  kind: 'KafkaNodePool',
  plural: 'kafkanodepools',
  namespaced: true,
};
const nodePool = (name: string, roles: string[], replicas: number): KubeObject => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaNodePool',
  metadata: { name, namespace: 'soma-infra', labels: { 'strimzi.io/cluster': 'kafka' } },
  spec: { replicas, roles },
});
const brokerPod = (name: string, image: string): KubeObject => {
  const p = pod(name, true);
  p.metadata.labels = {
    'strimzi.io/cluster': 'kafka',
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/name': 'kafka-kafka',
    'strimzi.io/broker-role': 'true',
  };
  (p.spec as any).containers = [{ name: 'kafka', image }];
  return p;
};
const pod = (name: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'soma-infra' },
  spec: { restartPolicy: 'Always' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

let fake: FakeKube;
let env: Record<string, string>;
let root: string;
let scripts: Record<string, (job: KubeObject) => PodScript>;
let jobs: { jobs: KubeObject[] };

beforeEach(async () => {
  fake = await startFakeKube([...DEFAULT_RESOURCES, NODE_POOLS]);
  const dir = tempDir('smoke-');
  env = {
    KUBECONFIG: fake.writeKubeconfig(dir, { context: 'kind-soma' }),
    HOME: dir,
    SOMASTACK_KUBE_RETRY_SECONDS: '1',
  };
  root = writeMiniRepo(
    { postgres: [], redis: [], kafka: [], opa: [], vault: [], etcd: [], prometheus: [], grafana: [] },
    { kindName: 'soma' },
  );
  fake.put(sts('postgres', 'docker.io/library/postgres:18.6-trixie'));
  fake.put({ ...sts('redis', 'docker.io/library/redis:8.10.2-trixie'), kind: 'Deployment' });
  // Strimzi's: a node pool with the broker role, and its broker pod (the client image).
  fake.put(nodePool('dual-role', ['controller', 'broker'], 1));
  fake.put(brokerPod('kafka-dual-role-0', KAFKA_IMAGE));
  fake.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'soma-infra-postgres-credentials', namespace: 'soma-infra' },
    type: 'Opaque',
    data: { username: 'c29tYQ==', password: Buffer.from(PASSWORD).toString('base64'), database: 'c29tYQ==' },
  });
  fake.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'soma-infra-grafana-admin', namespace: 'soma-infra' },
    type: 'Opaque',
    data: { 'admin-user': 'YWRtaW4=', 'admin-password': 'eA==' },
  });
  fake.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'vault-tls', namespace: 'soma-infra' },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': Buffer.from('CA PEM').toString('base64'), 'tls.key': Buffer.from('KEY').toString('base64') },
  });
  fake.put(pod('postgres-0', true));
  fake.put(pod('redis-5f-abc', true));
  scripts = { ...GOOD };
  jobs = runJobs(fake, (job) => scripts[job.metadata.labels!['soma.sh/smoke-check']!]!(job));
});
afterEach(async () => fake.close());

describe('npm run smoke', () => {
  it('runs every check as a Job in its own namespaces, reports pass with evidence, cleans up; exit 0', async () => {
    const io = captureIo(root, env);
    expect(await main(['smoke', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out);
    expect(report).toMatchObject({
      context: 'kind-soma',
      cluster: 'test',
      runId: 't1',
      namespaces: ['soma-smoke-t1', 'soma-smoke-t1-denied'],
    });
    expect(report.checks.map((c: { name: string; result: string }) => `${c.name}:${c.result}`)).toEqual([
      'pods:pass',
      'postgres:pass',
      'redis:pass',
      'kafka:pass',
      'etcd:pass',
      'vault:pass',
      'opa:pass',
      'prometheus:pass',
      'grafana:pass',
      'networkpolicy:pass',
    ]);
    expect(report.checks.find((c: { name: string }) => c.name === 'kafka').evidence).toBe(
      '1 broker(s) in the metadata (expected 1); topic round-trip returned the record sent',
    );

    // The Jobs used the live images and ran where they should.
    const byCheck = Object.fromEntries(jobs.jobs.map((j) => [j.metadata.name, j]));
    const image = (name: string) => (byCheck[name]!.spec as any).template.spec.containers[0].image;
    expect(image('soma-smoke-postgres-t1')).toBe('docker.io/library/postgres:18.6-trixie');
    expect(image('soma-smoke-kafka-t1')).toBe(KAFKA_IMAGE);
    expect(byCheck['soma-smoke-networkpolicy-denied-t1']!.metadata.namespace).toBe('soma-smoke-t1-denied');

    // Namespaces: created with the right labels, then deleted; every Job deleted with its pods.
    const created = fake.requests
      .filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces')
      .map((r) => (r.body as KubeObject).metadata);
    expect(created.map((m) => [m.name, m.labels?.['soma.sh/allow-shared-infra']])).toEqual([
      ['soma-smoke-t1', 'true'],
      ['soma-smoke-t1-denied', undefined],
    ]);
    const deletes = fake.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.filter((r) => r.path.includes('/jobs/')).length).toBe(10);
    expect(deletes.every((r) => r.query.propagationPolicy === 'Background')).toBe(true);
    expect(deletes.filter((r) => /^\/api\/v1\/namespaces\/[^/]+$/.test(r.path)).map((r) => r.path)).toEqual([
      '/api/v1/namespaces/soma-smoke-t1',
      '/api/v1/namespaces/soma-smoke-t1-denied',
    ]);
    expect(fake.all('Job')).toEqual([]);
    // The credentials were copied by reference into the run's namespace, never printed.
    expect(fake.get('v1', 'Secret', 'soma-infra-postgres-credentials', 'soma-smoke-t1')).toBeDefined();
    expect(io.out + io.err).not.toContain(PASSWORD);
  });

  it('borrows the client image from the CloudNativePG Cluster, and checks the WAL archive where the cluster has backups', async () => {
    fake.remove('apps/v1', 'StatefulSet', 'postgres', 'soma-infra');
    fake.register({
      group: 'postgresql.cnpg.io',
      version: 'v1',
      kind: 'Cluster',
      plural: 'clusters',
      namespaced: true,
    });
    fake.put({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'postgres', namespace: 'soma-infra' },
      spec: { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie' },
    });
    root = writeMiniRepo(
      { postgres: [], redis: [], kafka: [], opa: [], vault: [], etcd: [], prometheus: [], grafana: [] },
      { kindName: 'soma', cluster: { backup: { destinationPath: 's3://backups/test', credentialsSecret: 'keys' } } },
    );
    scripts.postgres = () => ({ phase: 'Succeeded', log: '1|1200|4\n' });
    const io = captureIo(root, env);
    const code = await main(['smoke', '--json', '--only', 'postgres'], io);
    expect(code, io.err + io.out).toBe(1);
    const pg = JSON.parse(io.out).checks.find((c: { name: string }) => c.name === 'postgres');
    expect(pg).toMatchObject({ result: 'fail', evidence: expect.stringContaining('last WAL archive is 1200 s old') });
    const job = jobs.jobs.find((j) => j.metadata.name === 'soma-smoke-postgres-t1')!;
    const container = (job.spec as any).template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie');
    expect(container.command.at(-1)).toContain('pg_stat_archiver');
  });

  it('expects as many brokers as the node pools with the broker role run (controllers excluded)', async () => {
    fake.put(nodePool('dual-role', ['controller'], 3));
    fake.put(nodePool('brokers', ['broker'], 2));
    scripts.kafka = () => ({
      phase: 'Succeeded',
      log: 'brokers 2\nsent soma-smoke-t1-payload\nreceived soma-smoke-t1-payload\n',
    });
    const io = captureIo(root, env);
    expect(await main(['smoke', '--json', '--only', 'kafka'], io)).toBe(0);
    expect(JSON.parse(io.out).checks[0].evidence).toContain('2 broker(s) in the metadata (expected 2)');
  });

  it('exit 1 with evidence when a check fails (NetworkPolicy not enforced, a pod not Ready)', async () => {
    scripts.networkpolicy = () => ({ phase: 'Succeeded', log: 'exit 0\n' });
    fake.put(pod('kafka-0', false));
    const io = captureIo(root, env);
    expect(await main(['smoke', '--only', 'networkpolicy', '--only', 'pods'], io)).toBe(1);
    expect(io.out).toContain(
      'FAIL  pods           every pod in soma-infra Ready\n      1 of 4 pods not Ready: kafka-0 Progressing',
    );
    expect(io.out).toContain(
      'FAIL  networkpolicy  NetworkPolicy: postgres reachable only from namespaces labelled soma.sh/allow-shared-infra=true\n      from labelled soma-smoke-t1: accepting connections; from unlabelled soma-smoke-t1-denied: accepting connections',
    );
    expect(io.out).toMatch(/2 of 2 checks failed on context 'kind-soma' \(cluster test, run t1\)\n$/);
  });

  describe('Prometheus settling after a sync', () => {
    const targets = (jobs: readonly string[]) =>
      `targets 200 ${JSON.stringify({ data: { activeTargets: jobs.map((job) => ({ health: 'up', labels: { job } })) } })}\n`;
    const all = expectedScrapeJobs(COMPONENT_LIST);
    // A virtual clock: sleeping moves it, so three minutes of settling take no time.
    let clock = 0;
    const run = (io: Io) =>
      cliMain(['smoke', '--json', '--only', 'prometheus'], io, {
        deps: { runId: () => 't1', pollMs: 10, now: () => clock, sleep: async (ms: number) => void (clock += ms) },
      });

    it('asks again while a job has no target yet, and passes once every job has one', async () => {
      let asked = 0;
      scripts.prometheus = () => ({
        phase: 'Succeeded',
        log: targets(++asked < 3 ? all.filter((j) => j !== 'vault') : all),
      });
      const io = captureIo(root, env);
      expect(await run(io)).toBe(0);
      expect(asked).toBe(3);
      expect(io.err).toMatch(/prometheus: not yet — no target for job vault: .*; asking again in 15 s/);
      expect(JSON.parse(io.out).checks[0].jobs.map((j: { name: string }) => j.name)).toEqual([
        'soma-smoke-prometheus-3-t1',
      ]);
      expect(fake.all('Job')).toEqual([]);
    });

    it('fails with the last evidence once three minutes have passed without settling', async () => {
      let asked = 0;
      scripts.prometheus = () => (asked++, { phase: 'Succeeded', log: targets(all.filter((j) => j !== 'vault')) });
      const io = captureIo(root, env);
      expect(await run(io)).toBe(1);
      expect(JSON.parse(io.out).checks[0]).toMatchObject({
        result: 'fail',
        evidence: expect.stringMatching(/^no target for job vault/),
      });
      // Asked at 0, 15, …, 180 s of the virtual clock (job polling adds a little), never after.
      expect(asked).toBeGreaterThanOrEqual(12);
      expect(asked).toBeLessThanOrEqual(13);
    });
  });

  it('a Job that never finishes times out with what its pod was doing, and is still cleaned up', async () => {
    scripts.redis = () => ({ phase: 'Pending', log: '' });
    const io = captureIo(root, env);
    expect(await main(['smoke', '--only', 'redis', '--timeout', '0.2'], io)).toBe(1);
    expect(io.out).toMatch(/job soma-smoke-redis-t1 did not finish in time; log: pod soma-smoke-redis-t1-x1 Pending/);
    expect(fake.all('Job')).toEqual([]);
  });

  it('fails a check whose Secret is missing, without running it; skips checks of disabled components', async () => {
    root = writeMiniRepo({ postgres: [], prometheus: [], grafana: [] }, { kindName: 'soma' });
    const io = captureIo(root, env);
    fake.fault((r) =>
      r.method === 'GET' && r.path.endsWith('/secrets/soma-infra-grafana-admin')
        ? { status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'not found' } }
        : undefined,
    );
    expect(await main(['smoke', '--json'], io)).toBe(1);
    const checks = Object.fromEntries(JSON.parse(io.out).checks.map((c: { name: string }) => [c.name, c]));
    expect(checks.grafana).toMatchObject({
      result: 'fail',
      evidence:
        'Secret soma-infra/soma-infra-grafana-admin not found (bootstrap creates it in dev; an operator provides it elsewhere)',
      jobs: [],
    });
    expect(checks.redis).toMatchObject({ result: 'skip', evidence: 'redis is not enabled for cluster test' });
    expect(checks.postgres.result).toBe('pass');
  });

  it('first deletes namespaces earlier runs left behind (Ctrl-C), leaving alone those of a run that may still be going', async () => {
    const now = Date.now();
    const ns = (name: string, run: string, meta: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: { 'app.kubernetes.io/managed-by': 'somastack-smoke', 'soma.sh/smoke-run': run },
        ...meta,
      },
    });
    const ended = { annotations: { 'soma.sh/smoke-expires': new Date(now - 60_000).toISOString() } };
    fake.put(ns('soma-smoke-old', 'old', ended));
    fake.put(ns('soma-smoke-old-denied', 'old', ended));
    fake.put(ns('soma-smoke-legacy', 'legacy', { creationTimestamp: new Date(now - 2 * 3600_000).toISOString() }));
    fake.put(
      ns('soma-smoke-busy', 'busy', {
        annotations: { 'soma.sh/smoke-expires': new Date(now + 600_000).toISOString() },
      }),
    );
    fake.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'someone-else', labels: { 'soma.sh/smoke-run': 'x' } },
    });
    const io = captureIo(root, env);
    expect(await main(['smoke', '--only', 'redis', '--json'], io)).toBe(0);
    const report = JSON.parse(io.out);
    expect(report.leftovers.deleted).toEqual(['soma-smoke-legacy', 'soma-smoke-old', 'soma-smoke-old-denied']);
    expect(report.leftovers.kept.map((l: { namespace: string; run: string }) => [l.namespace, l.run])).toEqual([
      ['soma-smoke-busy', 'busy'],
    ]);
    expect(io.err).toContain(
      'deleted 3 namespace(s) left by earlier smoke runs: soma-smoke-legacy, soma-smoke-old, soma-smoke-old-denied',
    );
    expect(io.err).toMatch(
      /left soma-smoke-busy alone: smoke run busy may still be going \(until .*\); .*delete namespace -l soma.sh\/smoke-run=busy/,
    );
    expect(
      fake
        .all('Namespace')
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['soma-smoke-busy', 'someone-else']);
    // Before this run created anything; and this run's namespace records when it must be over.
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.indexOf('DELETE /api/v1/namespaces/soma-smoke-old')).toBeLessThan(
      paths.indexOf('POST /api/v1/namespaces'),
    );
    const created = fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces')!
      .body as KubeObject;
    expect(Date.parse(created.metadata.annotations!['soma.sh/smoke-expires']!)).toBeGreaterThan(now);
  });

  it('a Job that cannot be created fails its check with the error; the check’s other Jobs finish before the namespaces go', async () => {
    fake.fault((r) =>
      r.method === 'POST' && r.path === '/apis/batch/v1/namespaces/soma-smoke-t1-denied/jobs'
        ? { status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'jobs.batch is forbidden' } }
        : undefined,
    );
    const io = captureIo(root, env);
    expect(await main(['smoke', '--only', 'networkpolicy', '--json'], io)).toBe(1);
    const [check] = JSON.parse(io.out).checks;
    expect(check).toMatchObject({ name: 'networkpolicy', result: 'fail' });
    expect(check.evidence).toMatch(
      /^could not run job soma-smoke-networkpolicy-denied-t1: no permission to create Job\/soma-smoke-t1-denied\/soma-smoke-networkpolicy-denied-t1 .*jobs\.batch is forbidden$/,
    );
    expect(check.jobs.map((j: { name: string; phase: string }) => [j.name, j.phase])).toEqual([
      ['soma-smoke-networkpolicy-allowed-t1', 'Succeeded'],
    ]);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    const lastJobCall = Math.max(...paths.map((p, i) => (/\/(jobs|pods)/.test(p) ? i : -1)));
    expect(lastJobCall).toBeLessThan(paths.indexOf('DELETE /api/v1/namespaces/soma-smoke-t1'));
    expect(fake.all('Job')).toEqual([]);
  });

  it('exit 2 for an unknown check or no cluster', async () => {
    const io = captureIo(root, env);
    expect(await main(['smoke', '--only', 'mysql'], io)).toBe(2);
    expect(io.err).toMatch(/unknown --only value\(s\): mysql\n {2}fix: one of: pods, /);
    await fake.close();
    const io2 = captureIo(root, { ...env, SOMASTACK_KUBE_RETRY_SECONDS: '0' });
    expect(await main(['smoke'], io2)).toBe(2);
    expect(io2.err).toMatch(/could not reach the cluster/);
  });
});
