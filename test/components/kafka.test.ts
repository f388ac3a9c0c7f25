import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../src/core/components/workload.ts';
import {
  KAFKA_CLUSTER_ID,
  LOG_DIRS,
  controllerQuorumVoters,
  replicationSettings,
} from '../../src/core/components/kafka-config.ts';
import { kafka } from '../../src/core/components/kafka.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { tempDir } from '../support/temp.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const statefulSetOf = (env: Environment) => find(kafka.build(env, CTX), 'StatefulSet', 'kafka')!;
const podOf = (env: Environment) => podSpecOf(statefulSetOf(env))!.spec as unknown as V1PodSpec;
const named = (pod: V1PodSpec, name: string) => pod.containers.find((c) => c.name === name)!;
const envValue = (c: V1Container, name: string) => c.env?.find((e) => e.name === name)?.value;

/** The apache/kafka image's rule turning KAFKA_* variables into server.properties keys. */
function propertyKey(variable: string): string {
  return variable
    .replace(/^KAFKA_/, '')
    .toLowerCase()
    .replace(/_/g, '.')
    .replace(/\.\.\./g, '-')
    .replace(/\.\./g, '_');
}
/** Variables the image does not copy into server.properties. */
const NOT_PROPERTIES = new Set([
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
]);
function serverProperties(c: V1Container): Record<string, string> {
  const props: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.name.startsWith('KAFKA_') && !NOT_PROPERTIES.has(e.name))
      props[propertyKey(e.name)] = e.value ?? `<from ${JSON.stringify(e.valueFrom)}>`;
  }
  return props;
}

describe('kafka quorum and replication, derived from the replica count', () => {
  it('lists one voter per pod, node id = ordinal, on the controller port of the headless name', () => {
    expect(controllerQuorumVoters(1)).toBe('0@kafka-0.kafka-headless.soma-infra.svc.cluster.local:9093');
    expect(controllerQuorumVoters(3)).toBe(
      [
        '0@kafka-0.kafka-headless.soma-infra.svc.cluster.local:9093',
        '1@kafka-1.kafka-headless.soma-infra.svc.cluster.local:9093',
        '2@kafka-2.kafka-headless.soma-infra.svc.cluster.local:9093',
      ].join(','),
    );
  });

  it('rejects replica counts that are not positive integers', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => controllerQuorumVoters(n)).toThrow(/positive integer/);
  });

  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('%i brokers: replication factor %i, min.insync.replicas %i', (replicas, rf, isr) => {
    expect(replicationSettings(replicas)).toEqual({ replicationFactor: rf, minInsyncReplicas: isr });
  });

  it('has a fixed cluster id that is a base64url UUID (22 characters, 16 bytes)', () => {
    expect(KAFKA_CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const bytes = Buffer.from(KAFKA_CLUSTER_ID, 'base64url');
    expect(bytes.length).toBe(16);
    expect(bytes.toString('base64url')).toBe(KAFKA_CLUSTER_ID);
    expect(bytes.some((b) => b !== 0)).toBe(true);
  });
});

describe.each(ENVIRONMENTS.map((env) => [env]))('kafka build(%s)', (env: Environment) => {
  const objects = kafka.build(env, CTX);
  const sts = statefulSetOf(env);
  const replicas = (sts.spec as any).replicas as number;
  const pod = podOf(env);
  const broker = named(pod, 'kafka');
  const exporter = named(pod, 'exporter');
  const props = serverProperties(broker);

  it('returns valid, namespaced objects without the environment label, the same on every call', () =>
    expectWellFormed(kafka, env));

  it('serves only the client listener on the contract Service; the controller port stays on the headless one', () => {
    const svc = find(objects, 'Service', CONTRACTS.kafka.service)!;
    expect((svc.spec as any).ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.kafka.port, targetPort: 'kafka' }),
    ]);
    const headless = find(objects, 'Service', headlessServiceName('kafka'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    expect((headless.spec as any).publishNotReadyAddresses).toBe(true);
    expect((headless.spec as any).ports.map((p: any) => p.port)).toEqual([
      9092,
      9093,
      INTERNAL_PORTS.kafka.metrics.port,
    ]);
    expect((sts.spec as any).serviceName).toBe(headlessServiceName('kafka'));
    const podLabels = (sts.spec as any).template.metadata.labels;
    for (const s of [svc, headless])
      for (const [k, v] of Object.entries((s.spec as any).selector)) expect(podLabels[k]).toBe(v);
    expect(broker.ports?.map((p) => p.containerPort)).toEqual([CONTRACTS.kafka.port, 9093]);
  });

  it('configures a combined KRaft node whose quorum and replication follow the replica count', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe(controllerQuorumVoters(replicas));
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props['listeners']).toBe('PLAINTEXT://:9092,CONTROLLER://:9093');
    const r = replicationSettings(replicas);
    for (const key of [
      'default.replication.factor',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'share.coordinator.state.topic.replication.factor',
    ]) {
      expect(Number(props[key])).toBe(r.replicationFactor);
      expect(Number(props[key])).toBeLessThanOrEqual(replicas);
    }
    for (const key of ['min.insync.replicas', 'transaction.state.log.min.isr', 'share.coordinator.state.topic.min.isr'])
      expect(Number(props[key])).toBe(r.minInsyncReplicas);
    expect(props['zookeeper.connect']).toBeUndefined();
  });

  it('derives node.id and the advertised listener from the pod', () => {
    const nodeId = broker.env!.find((e) => e.name === 'KAFKA_NODE_ID')!;
    expect(nodeId.valueFrom?.fieldRef?.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    const names = broker.env!.map((e) => e.name);
    expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('KAFKA_ADVERTISED_LISTENERS'));
    expect(envValue(broker, 'KAFKA_ADVERTISED_LISTENERS')).toBe(
      'PLAINTEXT://$(POD_NAME).kafka-headless.soma-infra.svc.cluster.local:9092',
    );
    expect(envValue(broker, 'CLUSTER_ID')).toBe(KAFKA_CLUSTER_ID);
  });

  it('runs as the image user with a read-only root: config, logs and data on mounted volumes', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    const mounts = Object.fromEntries(broker.volumeMounts!.map((m) => [m.mountPath, m.name]));
    expect(mounts['/opt/kafka/config']).toBe('config');
    expect(mounts['/tmp']).toBe('tmp');
    expect(LOG_DIRS.startsWith(`${broker.volumeMounts!.find((m) => m.name === 'data')!.mountPath}/`)).toBe(true);
    expect(props['log.dirs']).toBe(LOG_DIRS);
    expect(envValue(broker, 'LOG_DIR')!.startsWith('/tmp/')).toBe(true);
    expect(envValue(broker, 'EXTRA_ARGS')).not.toContain('-loggc');
    const claims = (sts.spec as any).volumeClaimTemplates.map((v: any) => v.metadata.name);
    expect(claims).toEqual(['data']);
    const volumes = pod.volumes!.map((v) => v.name).sort();
    expect(volumes).toEqual(['config', 'log4j', 'tmp']);
  });

  it('logs to the console through the shipped log4j2.yaml, and rolls pods when it changes', () => {
    const [cm] = kafka.configFiles!(CTX);
    expect(pod.volumes!.find((v) => v.name === 'log4j')!.configMap!.name).toBe(cm!.name);
    const mount = broker.volumeMounts!.find((m) => m.name === 'log4j')!;
    expect(envValue(broker, 'KAFKA_LOG4J_OPTS')).toBe(`-Dlog4j2.configurationFile=${mount.mountPath}/log4j2.yaml`);
    expect(cm!.files['log4j2.yaml']).toContain('Console');
    expect(cm!.files['log4j2.yaml']).not.toMatch(/RollingFile|File:/);
    expect((sts.spec as any).template.metadata.annotations[CONFIG_HASH_ANNOTATION]).toBe(configHash(cm!.files));
  });

  it('gives every container the restricted security context, probes and requests within limits', () => {
    expectRestrictedPods(objects, { uid: 1000 });
    const heap = /-Xmx(\d+[mg])/.exec(envValue(broker, 'KAFKA_HEAP_OPTS')!)![1]!;
    expect(parseQuantity(heap.replace('m', 'Mi').replace('g', 'Gi'))).toBeLessThanOrEqual(
      0.6 * parseQuantity(broker.resources!.limits!.memory!),
    );
  });

  it('probes the client listener, with a start-up allowance of at least five minutes', () => {
    expect(broker.readinessProbe?.tcpSocket?.port).toBe('kafka');
    expect(broker.livenessProbe?.tcpSocket?.port).toBe('kafka');
    const s = broker.startupProbe!;
    expect(s.tcpSocket?.port).toBe('kafka');
    expect(s.periodSeconds! * s.failureThreshold!).toBeGreaterThanOrEqual(300);
    expect((sts.spec as any).podManagementPolicy).toBe('Parallel');
  });

  it('exports metrics from the local broker on the metrics port', () => {
    expect(exporter.ports).toEqual([
      expect.objectContaining({ name: 'metrics', containerPort: INTERNAL_PORTS.kafka.metrics.port }),
    ]);
    expect(exporter.args).toContain(`--kafka.server=127.0.0.1:${CONTRACTS.kafka.port}`);
    expect(exporter.args).toContain(`--web.listen-address=:${INTERNAL_PORTS.kafka.metrics.port}`);
    expect(exporter.args).toContain(`--web.telemetry-path=${INTERNAL_PORTS.kafka.metrics.path}`);
    expect(exporter.readinessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'metrics' });
    // It cannot serve before the broker does: at least the broker's start-up allowance before liveness counts.
    const allowance = (probe: { periodSeconds?: number; failureThreshold?: number } | undefined) =>
      (probe?.periodSeconds ?? 0) * (probe?.failureThreshold ?? 0);
    expect(allowance(exporter.startupProbe)).toBeGreaterThanOrEqual(allowance(named(pod, 'kafka').startupProbe));
  });

  it('uses only the pinned images it declares', () => {
    const declared = kafka.images.map((i) => i.image);
    for (const image of declared) expect(image).toMatch(/^docker\.io\/[^:]+:v?\d+\.\d+\.\d+$/);
    for (const c of pod.containers) expect(declared).toContain(c.image);
  });
});

describe('kafka per-environment differences', () => {
  const replicas = (env: Environment) => (statefulSetOf(env).spec as any).replicas;
  const prop = (env: Environment, key: string) => Number(serverProperties(named(podOf(env), 'kafka'))[key]);

  it('runs one node in dev and staging and three in prod, with a budget and spreading only in prod', () => {
    expect([replicas('dev'), replicas('staging'), replicas('prod')]).toEqual([1, 1, 3]);
    for (const env of ['dev', 'staging'] as const) {
      expect(find(kafka.build(env, CTX), 'PodDisruptionBudget', 'kafka')).toBeUndefined();
      expect(podOf(env).affinity).toBeUndefined();
    }
    const pdb = find(kafka.build('prod', CTX), 'PodDisruptionBudget', 'kafka')!;
    expect((pdb.spec as any).maxUnavailable).toBe(1);
    expect((pdb.spec as any).selector.matchLabels).toEqual((statefulSetOf('prod').spec as any).selector.matchLabels);
    expect(podOf('prod').affinity?.podAntiAffinity).toBeDefined();
  });

  it('keeps dev retention short (at most a day, small segments) and prod retention longer', () => {
    expect(prop('dev', 'log.retention.hours')).toBeLessThanOrEqual(24);
    expect(prop('dev', 'log.segment.bytes')).toBeLessThanOrEqual(128 * 1024 * 1024);
    expect(prop('dev', 'log.retention.bytes')).toBeGreaterThan(0);
    expect(prop('prod', 'log.retention.hours')).toBeGreaterThan(prop('staging', 'log.retention.hours'));
    expect(prop('staging', 'log.retention.hours')).toBeGreaterThan(prop('dev', 'log.retention.hours'));
    expect(prop('prod', 'log.segment.bytes')).toBeGreaterThan(prop('dev', 'log.segment.bytes'));
  });

  it('keeps dev requests within its share of the laptop budget (450m CPU, 1088Mi incl. exporter)', () => {
    expectDevRequestsWithin(kafka, { cpu: '450m', memory: '1088Mi' });
  });
});

// The exporter's restart loop runs for real here, with a stub exporter and short sleeps.
describe('kafka exporter restart loop', () => {
  const dir = tempDir('kafka-exporter-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stub = join(dir, 'kafka_exporter');
  // Fails on the first two starts (broker not up yet), then serves until stopped.
  writeFileSync(
    stub,
    `#!/bin/sh\nn=$(cat "${dir}/count" 2>/dev/null || echo 0)\necho $((n+1)) > "${dir}/count"\necho "$@" > "${dir}/args"\n[ "$n" -ge 2 ] || exit 1\nexec sleep 30\n`,
  );
  chmodSync(stub, 0o755);

  it('restarts a failing exporter with its arguments and stops promptly on SIGTERM', async () => {
    const exporter = named(podOf('dev'), 'exporter');
    const [sh, flag, script, name] = exporter.command!;
    const local = script!.replace('/bin/kafka_exporter', stub).replace('sleep 5', 'sleep 0.1');
    const child = spawn(sh!, [flag!, local, name!, ...exporter.args!], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    const count = () => Number(readFileSync(join(dir, 'count'), 'utf8').trim() || 0);
    while (Date.now() < deadline) {
      try {
        if (count() >= 3) break;
      } catch {
        /* not started yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(count()).toBe(3);
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(exporter.args!.join(' '));
    const stopped = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5_000);
  });
});
