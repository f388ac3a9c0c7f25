import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { openfga } from '../../src/core/components/openfga.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const deploymentOf = (env: Environment) => find(openfga.build(env, CTX), 'Deployment', 'openfga')!;
const podOf = (env: Environment) => podSpecOf(deploymentOf(env))!.spec as unknown as V1PodSpec;
const envValue = (c: V1Container, name: string) => c.env?.find((e) => e.name === name);
const grpcPort = INTERNAL_PORTS.openfga.extraClient!.find((p) => p.name === 'grpc')!.port;
const metricsPort = INTERNAL_PORTS.openfga.metrics.port;
/** Postgres' default max_connections, shared with every other consumer of the database. */
const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;

describe.each(ENVIRONMENTS.map((env) => [env]))('openfga build(%s)', (env: Environment) => {
  const objects = openfga.build(env, CTX);
  const pod = podOf(env);
  const server = pod.containers.find((c) => c.name === 'openfga')!;
  const migrate = pod.initContainers?.find((c) => c.name === 'migrate');

  it('returns valid, namespaced objects of the openfga component, the same on every call', () =>
    expectWellFormed(openfga, env));

  it('serves HTTP on the contract port and gRPC on the extra client port, metrics for Prometheus', () => {
    const svc = find(objects, 'Service', CONTRACTS.openfga.service)!;
    const ports = (svc.spec as any).ports.map((p: any) => [p.port, p.targetPort]);
    expect(ports).toEqual([
      [CONTRACTS.openfga.port, 'http'],
      [grpcPort, 'grpc'],
    ]);
    const containerPorts = Object.fromEntries(server.ports!.map((p) => [p.name, p.containerPort]));
    expect(containerPorts).toEqual({ http: CONTRACTS.openfga.port, grpc: grpcPort, metrics: metricsPort });
    expect(envValue(server, 'OPENFGA_HTTP_ADDR')?.value).toBe(`0.0.0.0:${CONTRACTS.openfga.port}`);
    expect(envValue(server, 'OPENFGA_GRPC_ADDR')?.value).toBe(`0.0.0.0:${grpcPort}`);
    expect(envValue(server, 'OPENFGA_METRICS_ADDR')?.value).toBe(`0.0.0.0:${metricsPort}`);
    expect(envValue(server, 'OPENFGA_METRICS_ENABLED')?.value).toBe('true');
    expect(envValue(server, 'OPENFGA_PLAYGROUND_ENABLED')?.value).toBe('false');
    const headless = find(objects, 'Service', headlessServiceName('openfga'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    expect((headless.spec as any).ports.map((p: any) => p.port)).toEqual([metricsPort]);
  });

  it('reads the datastore URI from the contract Secret, in the migration and the server alike', () => {
    const secret = CONTRACTS.openfga.secrets[0]!;
    expect(secret.keys).toContain('uri');
    for (const c of [migrate!, server]) {
      expect(envValue(c, 'OPENFGA_DATASTORE_ENGINE')?.value).toBe('postgres');
      expect(envValue(c, 'OPENFGA_DATASTORE_URI')?.valueFrom?.secretKeyRef).toEqual({ name: secret.name, key: 'uri' });
    }
    expect(JSON.stringify(objects)).not.toMatch(/postgres(ql)?:\/\//);
  });

  it('migrates the schema with the same image before the server starts', () => {
    expect(pod.initContainers!.map((c) => c.name)).toEqual(['migrate']);
    expect(migrate!.args).toEqual(['migrate']);
    expect(migrate!.image).toBe(server.image);
    expect(server.args).toEqual(['run']);
  });

  it('restarts only a hung process, and leaves rotation to readiness when the datastore is down', () => {
    expect(server.livenessProbe?.tcpSocket?.port).toBe('http');
    expect(server.readinessProbe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
  });

  it('runs as the image user with the restricted security context, requests within limits', () => {
    expectRestrictedPods(objects, { uid: 65532 });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("keeps the connection pool of all replicas well below Postgres' connection limit", () => {
    const replicas = (deploymentOf(env).spec as any).replicas as number;
    const perReplica = Number(envValue(server, 'OPENFGA_DATASTORE_MAX_OPEN_CONNS')?.value);
    expect(perReplica).toBeGreaterThan(0);
    expect(replicas * perReplica).toBeLessThanOrEqual(POSTGRES_DEFAULT_MAX_CONNECTIONS * 0.6);
  });

  it('uses only the pinned image it declares', () => {
    expect(openfga.images.map((i) => i.image)).toEqual([server.image]);
    expect(server.image).toMatch(/^docker\.io\/openfga\/openfga:v1\.\d+\.\d+$/);
  });
});

describe('openfga per-environment differences', () => {
  it('runs one replica in dev, and in prod several, spread over nodes and under a disruption budget', () => {
    expect((deploymentOf('dev').spec as any).replicas).toBe(1);
    expect((deploymentOf('prod').spec as any).replicas).toBeGreaterThan(1);
    expect(podOf('prod').affinity?.podAntiAffinity).toBeDefined();
    expect(podOf('dev').affinity).toBeUndefined();
    expect(find(openfga.build('prod', CTX), 'PodDisruptionBudget', 'openfga')).toBeDefined();
    expect(find(openfga.build('dev', CTX), 'PodDisruptionBudget', 'openfga')).toBeUndefined();
  });

  it('declares its runtime dependency on Postgres', () => {
    expect(openfga.dependsOn.filter((d) => !d.optional).map((d) => d.component)).toEqual(['postgres']);
    expect(openfga.tier).toBe('policy');
  });

  it('keeps dev requests within its share of the laptop budget (50m CPU, 128Mi)', () => {
    // The scheduler reserves the larger of the init container and the containers' sum.
    expectDevRequestsWithin(openfga, { cpu: '50m', memory: '128Mi' });
  });
});
