import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { DATA_DIR, ETCD_IMAGE, etcd, initialCluster } from '../../src/core/components/etcd.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const statefulSetOf = (env: Environment) => find(etcd.build(env, CTX), 'StatefulSet', 'etcd')!;
const podOf = (env: Environment) => podSpecOf(statefulSetOf(env))!.spec as unknown as V1PodSpec;
const memberOf = (env: Environment) => podOf(env).containers.find((c) => c.name === 'etcd')!;

/** The value of `--name=value` in etcd's arguments. */
function flag(c: V1Container, name: string): string | undefined {
  const prefix = `--${name}=`;
  return c.args?.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
const portNumber = (c: V1Container, name: string) => c.ports!.find((p) => p.name === name)!.containerPort;

describe('etcd initial cluster, derived from the replica count', () => {
  it('names every member after its pod and points at its peer port on the headless name', () => {
    expect(initialCluster(1)).toBe('etcd-0=http://etcd-0.etcd-headless.soma-infra.svc.cluster.local:2380');
    expect(initialCluster(3)).toBe(
      [
        'etcd-0=http://etcd-0.etcd-headless.soma-infra.svc.cluster.local:2380',
        'etcd-1=http://etcd-1.etcd-headless.soma-infra.svc.cluster.local:2380',
        'etcd-2=http://etcd-2.etcd-headless.soma-infra.svc.cluster.local:2380',
      ].join(','),
    );
  });

  it('rejects replica counts that are not positive integers', () => {
    for (const n of [0, -3, 2.5]) expect(() => initialCluster(n)).toThrow(/positive integer/);
  });
});

describe.each(ENVIRONMENTS.map((env) => [env]))('etcd build(%s)', (env: Environment) => {
  const objects = etcd.build(env, CTX);
  const sts = statefulSetOf(env);
  const replicas = (sts.spec as any).replicas as number;
  const pod = podOf(env);
  const member = memberOf(env);

  it('returns valid, namespaced objects without the environment label, the same on every call', () =>
    expectWellFormed(etcd, env));

  it('serves clients on the contract Service; peers and metrics only on the headless one', () => {
    const svc = find(objects, 'Service', CONTRACTS.etcd.service)!;
    expect((svc.spec as any).ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.etcd.port, targetPort: 'client' }),
    ]);
    const headless = find(objects, 'Service', headlessServiceName('etcd'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    expect((headless.spec as any).publishNotReadyAddresses).toBe(true);
    expect((headless.spec as any).ports.map((p: any) => p.port)).toEqual([
      2379,
      2380,
      INTERNAL_PORTS.etcd.metrics.port,
    ]);
    expect((sts.spec as any).serviceName).toBe(headlessServiceName('etcd'));
    const podLabels = (sts.spec as any).template.metadata.labels;
    for (const s of [svc, headless])
      for (const [k, v] of Object.entries((s.spec as any).selector)) expect(podLabels[k]).toBe(v);
  });

  it('bootstraps a cluster of exactly its replicas, each member advertising its own pod name', () => {
    expect(flag(member, 'initial-cluster')).toBe(initialCluster(replicas));
    expect(flag(member, 'initial-cluster-state')).toBe('new');
    expect(flag(member, 'name')).toBe('$(POD_NAME)');
    expect(member.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(flag(member, 'initial-advertise-peer-urls')).toBe(
      'http://$(POD_NAME).etcd-headless.soma-infra.svc.cluster.local:2380',
    );
    expect(flag(member, 'advertise-client-urls')).toBe(
      'http://$(POD_NAME).etcd-headless.soma-infra.svc.cluster.local:2379',
    );
    expect(flag(member, 'listen-client-urls')).toBe(`http://0.0.0.0:${portNumber(member, 'client')}`);
    expect(flag(member, 'listen-peer-urls')).toBe(`http://0.0.0.0:${portNumber(member, 'peer')}`);
    expect((sts.spec as any).podManagementPolicy).toBe('Parallel');
  });

  it('serves metrics and health on the metrics port, where the probes look', () => {
    expect(portNumber(member, 'metrics')).toBe(INTERNAL_PORTS.etcd.metrics.port);
    expect(flag(member, 'listen-metrics-urls')).toBe(`http://0.0.0.0:${INTERNAL_PORTS.etcd.metrics.port}`);
    expect(member.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(member.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(member.startupProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
  });

  it('keeps its data in a subdirectory of the claimed volume, with a quota below the volume size', () => {
    const data = member.volumeMounts!.find((m) => m.name === 'data')!;
    expect(flag(member, 'data-dir')).toBe(DATA_DIR);
    expect(DATA_DIR.startsWith(`${data.mountPath}/`)).toBe(true);
    const claim = (sts.spec as any).volumeClaimTemplates[0];
    expect(claim.metadata.name).toBe('data');
    expect(Number(flag(member, 'quota-backend-bytes'))).toBeLessThan(
      parseQuantity(claim.spec.resources.requests.storage),
    );
    expect(flag(member, 'auto-compaction-retention')).toBeDefined();
  });

  it('runs as a non-root user with the restricted security context, probes and requests within limits', () => {
    expectRestrictedPods(objects, { uid: 65532 });
    expect(pod.containers).toHaveLength(1);
    expect(member.image).toBe(ETCD_IMAGE);
    expect(etcd.images.map((i) => i.image)).toEqual([ETCD_IMAGE]);
    expect(ETCD_IMAGE).toMatch(/^quay\.io\/coreos\/etcd:v3\.[56]\.\d+$/);
  });
});

describe('etcd per-environment differences', () => {
  const replicas = (env: Environment) => (statefulSetOf(env).spec as any).replicas;

  it('runs one member in dev and a three-member quorum in staging and prod', () => {
    expect([replicas('dev'), replicas('staging'), replicas('prod')]).toEqual([1, 3, 3]);
    expect(podOf('dev').affinity).toBeUndefined();
    expect(podOf('prod').affinity?.podAntiAffinity).toBeDefined();
  });

  it('protects the prod quorum with a budget of one member', () => {
    expect(find(etcd.build('dev', CTX), 'PodDisruptionBudget', 'etcd')).toBeUndefined();
    expect(find(etcd.build('staging', CTX), 'PodDisruptionBudget', 'etcd')).toBeUndefined();
    const pdb = find(etcd.build('prod', CTX), 'PodDisruptionBudget', 'etcd')!;
    expect((pdb.spec as any).maxUnavailable).toBe(1);
    expect((pdb.spec as any).selector.matchLabels).toEqual((statefulSetOf('prod').spec as any).selector.matchLabels);
  });

  it('keeps dev requests within its share of the laptop budget (100m CPU, 128Mi)', () => {
    expectDevRequestsWithin(etcd, { cpu: '100m', memory: '128Mi' });
  });
});
