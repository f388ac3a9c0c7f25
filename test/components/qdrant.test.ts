import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { QDRANT_SETTINGS, qdrant } from '../../src/core/components/qdrant.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const statefulSetOf = (objs: KubeObject[]) => find(objs, 'StatefulSet', 'qdrant')!;
const podOf = (objs: KubeObject[]) => podSpecOf(statefulSetOf(objs))!.spec as unknown as V1PodSpec;
const envValue = (c: V1Container, name: string) => c.env?.find((e) => e.name === name)?.value;
const grpc = INTERNAL_PORTS.qdrant.extraClient!.find((p) => p.name === 'grpc')!;

describe.each(ENVIRONMENTS.map((env) => [env]))('qdrant build(%s)', (env: Environment) => {
  const objects = qdrant.build(env, CTX);
  const pod = podOf(objects);
  const server = pod.containers[0]!;

  it('returns valid, namespaced objects, the same on every call', () => expectWellFormed(qdrant, env));

  it('serves REST on the contract port and gRPC on the extra client port, on the contract Service', () => {
    const svc = find(objects, 'Service', CONTRACTS.qdrant.service)!;
    const ports = (svc.spec as any).ports.map((p: any) => [p.port, p.targetPort]);
    expect(ports).toEqual([
      [CONTRACTS.qdrant.port, 'http'],
      [grpc.port, 'grpc'],
    ]);
    expect(server.ports).toEqual([
      expect.objectContaining({ name: 'http', containerPort: CONTRACTS.qdrant.port }),
      expect.objectContaining({ name: 'grpc', containerPort: grpc.port }),
    ]);
    expect(envValue(server, 'QDRANT__SERVICE__HTTP_PORT')).toBe(String(CONTRACTS.qdrant.port));
    expect(envValue(server, 'QDRANT__SERVICE__GRPC_PORT')).toBe(String(grpc.port));
    // Prometheus scrapes the REST port
    expect(INTERNAL_PORTS.qdrant.metrics.port).toBe(CONTRACTS.qdrant.port);
    const podLabels = (statefulSetOf(objects).spec as any).template.metadata.labels;
    for (const [k, v] of Object.entries((svc.spec as any).selector)) expect(podLabels[k]).toBe(v);
  });

  it('runs one StatefulSet replica with a data claim behind its headless Service', () => {
    const sts = statefulSetOf(objects).spec as any;
    expect(sts.replicas).toBe(1);
    expect(sts.serviceName).toBe(headlessServiceName('qdrant'));
    expect((find(objects, 'Service', headlessServiceName('qdrant'))!.spec as any).clusterIP).toBe('None');
    expect(sts.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['data']);
  });

  it('probes the liveness and readiness endpoints on the REST port', () => {
    expect(server.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(server.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(server.startupProbe?.httpGet?.path).toBe('/livez');
  });

  it('runs as the unprivileged image user with the restricted security context and sizing', () => {
    expect(qdrant.images.map((i) => i.image)).toEqual([server.image]);
    expect(server.image).toMatch(/^docker\.io\/qdrant\/qdrant:v\d+\.\d+\.\d+-unprivileged$/);
    expectRestrictedPods(objects, { uid: 1000 });
  });

  it('points every path Qdrant writes at a writable mount (storage and snapshots on the claim)', () => {
    const mounts = server.volumeMounts!;
    const declared = new Set([...(pod.volumes ?? []).map((v) => v.name), 'data']);
    for (const m of mounts) expect(declared).toContain(m.name);
    const mountOf = (path: string) => mounts.find((m) => path.startsWith(`${m.mountPath}/`));
    for (const key of ['QDRANT__STORAGE__STORAGE_PATH', 'QDRANT__STORAGE__SNAPSHOTS_PATH']) {
      expect(mountOf(envValue(server, key)!)?.name).toBe('data');
    }
    expect(mountOf(envValue(server, 'QDRANT_INIT_FILE_PATH')!)).toBeDefined();
    expect(envValue(server, 'QDRANT__TELEMETRY_DISABLED')).toBe('true');
    expect(server.env).toEqual(Object.entries(QDRANT_SETTINGS).map(([name, value]) => ({ name, value })));
  });
});

describe('qdrant per-environment differences', () => {
  const claimSize = (env: Environment) =>
    parseQuantity(
      (statefulSetOf(qdrant.build(env, CTX)).spec as any).volumeClaimTemplates[0].spec.resources.requests.storage,
    );

  it('grows the volume from dev to prod and changes nothing else but sizes', () => {
    expect(claimSize('dev')).toBeLessThan(claimSize('staging'));
    expect(claimSize('staging')).toBeLessThan(claimSize('prod'));
    const shape = (env: Environment) =>
      podOf(qdrant.build(env, CTX)).containers.map((c) => ({ ...c, resources: undefined }));
    expect(shape('prod')).toEqual(shape('dev'));
    expect(shape('staging')).toEqual(shape('dev'));
  });

  it('keeps dev requests within its share of the laptop budget (150m CPU, 384Mi)', () => {
    expectDevRequestsWithin(qdrant, { cpu: '150m', memory: '384Mi' });
  });
});
