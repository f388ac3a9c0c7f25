// Postgres as a CloudNativePG Cluster: the contract Service on the primary, the owner's
// credentials from the contract Secret, instances and anti-affinity per environment,
// CloudNativePG's exporter found by Prometheus through the headless Service.
import { describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, LABELS, type Environment } from '../../src/core/names.ts';
import {
  APP_DATABASE,
  ARCHIVE_TIMEOUT,
  CNPG_CLUSTER_API,
  POSTGRES_IMAGES,
  postgres,
} from '../../src/core/components/postgres.ts';
import { workloadRequests } from '../../src/core/validate/budget.ts';
import { expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

const clusterOf = (objs: KubeObject[]) => objs.find((o) => o.kind === 'Cluster')!;

describe.each(ENVIRONMENTS.map((env) => [env]))('postgres build(%s)', (env: Environment) => {
  const objects = postgres.build(env, CTX);
  const cluster = clusterOf(objects);
  const spec = cluster.spec as any;

  it('returns valid, namespaced objects, the same on every call', () => expectWellFormed(postgres, env));

  it('is one CloudNativePG Cluster named after the component, on the pinned operand image', () => {
    expect(cluster.apiVersion).toBe(CNPG_CLUSTER_API);
    expect(cluster.metadata.name).toBe('postgres');
    expect(spec.imageName).toBe(POSTGRES_IMAGES.postgres);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Cluster', 'Service']);
  });

  it('serves the contract Service from the primary only: an rw managed Service named postgres, the r and ro ones off', () => {
    expect(spec.managed.services.disabledDefaultServices).toEqual(['ro', 'r']);
    expect(spec.managed.services.additional).toEqual([
      expect.objectContaining({
        selectorType: 'rw',
        serviceTemplate: expect.objectContaining({ metadata: expect.objectContaining({ name: 'postgres' }) }),
      }),
    ]);
    expect(CONTRACTS.postgres.port).toBe(5432);
  });

  it('creates the owner and database of the contract Secret at initdb, with no superuser access', () => {
    const secret = CONTRACTS.postgres.secrets[0]!;
    expect(spec.bootstrap.initdb).toEqual({ ...APP_DATABASE, secret: { name: secret.name } });
    expect(secret.type).toBe('kubernetes.io/basic-auth');
    expect(secret.keys).toEqual(['username', 'password', 'database']);
    expect(spec.enableSuperuserAccess).toBe(false);
  });

  it('labels everything the operator makes with the component, so NetworkPolicies and Prometheus find the pods', () => {
    expect(spec.inheritedMetadata.labels[LABELS.component]).toBe('postgres');
    const headless = objects.find((o) => o.metadata.name === headlessServiceName('postgres'))!;
    const s = headless.spec as any;
    expect(s.clusterIP).toBe('None');
    expect(s.ports).toEqual([
      expect.objectContaining({ port: INTERNAL_PORTS.postgres.metrics.port, targetPort: 'metrics' }),
    ]);
    for (const [k, v] of Object.entries(s.selector)) expect(spec.inheritedMetadata.labels[k]).toBe(v);
  });

  it('switches WAL at least every 5 minutes, so archiving keeps the RPO of 15 minutes', () => {
    expect(spec.postgresql.parameters.archive_timeout).toBe(ARCHIVE_TIMEOUT);
    expect(ARCHIVE_TIMEOUT).toBe('5min');
  });

  it('sets requests and limits for every instance', () => {
    expect(Object.keys(spec.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(spec.resources.limits).sort()).toEqual(['cpu', 'memory']);
  });
});

describe('postgres per-environment differences', () => {
  const spec = (env: Environment) => clusterOf(postgres.build(env, CTX)).spec as any;

  it('runs 1 instance in dev, 2 in staging, 3 in prod', () => {
    expect(ENVIRONMENTS.map((e) => spec(e).instances)).toEqual([1, 2, 3]);
  });

  it('requires the prod instances on different nodes, prefers it in staging, and lets the operator make the PDB where there are replicas', () => {
    expect(spec('prod').affinity).toMatchObject({ enablePodAntiAffinity: true, podAntiAffinityType: 'required' });
    expect(spec('staging').affinity).toMatchObject({ enablePodAntiAffinity: true, podAntiAffinityType: 'preferred' });
    expect(spec('dev').affinity).toBeUndefined();
    expect(ENVIRONMENTS.map((e) => spec(e).enablePDB)).toEqual([false, true, true]);
  });

  it('sizes the data volume 5Gi in dev, 10Gi in staging and 50Gi in prod', () => {
    expect(ENVIRONMENTS.map((e) => spec(e).storage.size)).toEqual(['5Gi', '10Gi', '50Gi']);
  });

  it('keeps dev requests within its share of the laptop budget (300m CPU, 576Mi), as the budget counts them', () => {
    const r = workloadRequests(clusterOf(postgres.build('dev', CTX)))!;
    expect(r.pods).toBe(1);
    expect(r.cpu).toBeLessThanOrEqual(0.3);
    expect(r.memory).toBeLessThanOrEqual(576 * 1024 * 1024);
    expect(workloadRequests(clusterOf(postgres.build('prod', CTX)))!.pods).toBe(3);
  });

  it('needs the CloudNativePG operator enabled wherever it runs', () => {
    expect(postgres.dependsOn).toContainEqual(expect.objectContaining({ component: 'cnpg' }));
    expect(postgres.dependsOn.some((d) => d.optional)).toBe(false);
  });
});
