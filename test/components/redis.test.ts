import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { redis } from '../../src/core/components/redis.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { tempDir } from '../support/temp.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const statefulSetOf = (env: Environment) => find(redis.build(env, CTX), 'StatefulSet', 'redis')!;
const podOf = (env: Environment) => podSpecOf(statefulSetOf(env))!.spec as unknown as V1PodSpec;
const named = (pod: V1PodSpec, name: string) => pod.containers.find((c) => c.name === name)!;

/** The value following `--name` in redis-server's arguments. */
function setting(c: V1Container, name: string): string | undefined {
  const args = c.args ?? [];
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Redis memory units (1mb = 1024*1024 bytes, 1m = 10^6) to bytes. */
function redisBytes(v: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(v);
  if (!m) throw new Error(`not a redis memory value: ${v}`);
  const unit: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * unit[(m[2] ?? 'b').toLowerCase()]!;
}

describe.each(ENVIRONMENTS.map((env) => [env]))('redis build(%s)', (env: Environment) => {
  const objects = redis.build(env, CTX);
  const pod = podOf(env);
  const server = named(pod, 'redis');
  const exporter = named(pod, 'exporter');

  it('returns valid, namespaced objects, the same on every call', () => expectWellFormed(redis, env));

  it('serves the contract Service and a headless Service for the StatefulSet', () => {
    const svc = find(objects, 'Service', CONTRACTS.redis.service)!;
    expect((svc.spec as any).ports).toEqual([
      expect.objectContaining({ port: CONTRACTS.redis.port, targetPort: 'redis' }),
    ]);
    expect(server.ports).toContainEqual(
      expect.objectContaining({ name: 'redis', containerPort: CONTRACTS.redis.port }),
    );
    const headless = find(objects, 'Service', headlessServiceName('redis'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    expect((statefulSetOf(env).spec as any).serviceName).toBe(headlessServiceName('redis'));
    const podLabels = (statefulSetOf(env).spec as any).template.metadata.labels;
    for (const [k, v] of Object.entries((svc.spec as any).selector)) expect(podLabels[k]).toBe(v);
  });

  it('persists with AOF fsync every second and evicts allkeys-lru below the memory limit', () => {
    expect(setting(server, 'appendonly')).toBe('yes');
    expect(setting(server, 'appendfsync')).toBe('everysec');
    expect(setting(server, 'maxmemory-policy')).toBe('allkeys-lru');
    expect(setting(server, 'port')).toBe(String(CONTRACTS.redis.port));
    const data = server.volumeMounts!.find((m) => m.name === 'data')!;
    expect(setting(server, 'dir')).toBe(data.mountPath);
    const maxmemory = redisBytes(setting(server, 'maxmemory')!);
    expect(maxmemory).toBeGreaterThan(0);
    expect(maxmemory).toBeLessThanOrEqual(0.8 * parseQuantity(server.resources!.limits!.memory!));
    const claims = (statefulSetOf(env).spec as any).volumeClaimTemplates.map((v: any) => v.metadata.name);
    expect(claims).toEqual(['data']);
  });

  it('gives every container the restricted security context, probes, and requests within limits', () => {
    expectRestrictedPods(objects, { uid: 999 });
  });

  it('exports metrics on the metrics port from the local server, with the password only where one is set', () => {
    expect(exporter.ports).toEqual([
      expect.objectContaining({ name: 'metrics', containerPort: INTERNAL_PORTS.redis.metrics.port }),
    ]);
    expect(exporter.args).toContain(`-redis.addr=redis://127.0.0.1:${CONTRACTS.redis.port}`);
    expect(exporter.readinessProbe?.httpGet).toMatchObject({ path: '/health', port: 'metrics' });
    const fromSecret = (name: string) => ({
      name,
      valueFrom: { secretKeyRef: { name: 'soma-infra-redis-auth', key: 'password' } },
    });
    if (env === 'dev') for (const c of pod.containers) expect(c.env ?? []).toEqual([]);
    else {
      expect(server.env).toEqual([fromSecret('REDIS_PASSWORD'), fromSecret('REDISCLI_AUTH')]);
      expect(exporter.env).toEqual([fromSecret('REDIS_PASSWORD')]);
      // The password never reaches a command line: the server reads it from a file in memory.
      expect(server.args).not.toContain('--requirepass');
      expect(server.command?.[2]).toContain(`"$REDIS_PASSWORD" > /run/redis-auth/auth.conf`);
      expect(pod.volumes).toContainEqual({ name: 'auth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    }
    expect(CONTRACTS.redis.secrets).toEqual([
      { name: 'soma-infra-redis-auth', keys: ['password'], environments: ['staging', 'prod'] },
    ]);
  });

  it('uses only the pinned images it declares', () => {
    const declared = redis.images.map((i) => i.image);
    for (const image of declared) expect(image).toMatch(/^docker\.io\/[^:]+:v?\d+\.\d+\.\d+(-[a-z0-9]+)?$/);
    for (const c of pod.containers) expect(declared).toContain(c.image);
  });
});

describe('redis per-environment differences', () => {
  const claimSize = (env: Environment) =>
    parseQuantity((statefulSetOf(env).spec as any).volumeClaimTemplates[0].spec.resources.requests.storage);

  it('grows the volume and the cache from dev to prod', () => {
    expect(claimSize('dev')).toBeLessThan(claimSize('staging'));
    expect(claimSize('staging')).toBeLessThanOrEqual(claimSize('prod'));
    const maxmemory = (env: Environment) => redisBytes(setting(named(podOf(env), 'redis'), 'maxmemory')!);
    expect(maxmemory('dev')).toBeLessThan(maxmemory('staging'));
    expect(maxmemory('staging')).toBeLessThan(maxmemory('prod'));
  });

  it('differs between environments only in sizes, and the password staging and prod require', () => {
    const shape = (env: Environment) => {
      const pod = podOf(env);
      return pod.containers.map((c) => ({
        ...c,
        resources: undefined,
        args: c.args?.filter((a, i, all) => all[i - 1] !== '--maxmemory'),
      }));
    };
    expect(shape('prod')).toEqual(shape('staging'));
    const withoutAuth = (env: Environment) =>
      shape(env).map((c) => ({
        ...c,
        command: undefined,
        env: undefined,
        volumeMounts: c.volumeMounts?.filter((m) => m.name !== 'auth'),
      }));
    expect(withoutAuth('staging')).toEqual(withoutAuth('dev'));
    expect(redis.build('prod', CTX).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      redis.build('dev', CTX).map((o) => `${o.kind}/${o.metadata.name}`),
    );
  });

  it('keeps dev requests within its share of the laptop budget (125m CPU, 288Mi)', () => {
    expectDevRequestsWithin(redis, { cpu: '125m', memory: '288Mi' });
  });
});

// The probe commands run for real here, against a stub redis-cli.
describe('redis probes', () => {
  const dir = tempDir('redis-probe-');
  writeFileSync(
    join(dir, 'redis-cli'),
    '#!/bin/sh\n[ -n "$REPLY" ] || { echo "Could not connect to Redis" >&2; exit 1; }\n[ -z "$TO_STDERR" ] || { echo "$REPLY" >&2; exit 1; }\necho "$REPLY"\n',
  );
  chmodSync(join(dir, 'redis-cli'), 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const server = named(podOf('dev'), 'redis');
  const run = (command: string[], reply: string, toStderr: boolean) =>
    spawnSync(command[0]!, command.slice(1), {
      env: { PATH: `${dir}:${process.env.PATH}`, REPLY: reply, TO_STDERR: toStderr ? '1' : '' },
    }).status;

  it.each([
    ['PONG', false, 0, 0],
    ['LOADING Redis is loading the dataset in memory', false, 0, 1],
    ['(error) LOADING Redis is loading the dataset in memory', true, 0, 1],
    ['NOAUTH Authentication required.', true, 1, 1],
    ['', false, 1, 1],
  ])('reply %j (stderr: %s): liveness exits %i, readiness exits %i', (reply, toStderr, live, ready) => {
    expect(run(server.livenessProbe!.exec!.command!, reply, toStderr)).toBe(live);
    expect(run(server.readinessProbe!.exec!.command!, reply, toStderr)).toBe(ready);
    expect(run(server.startupProbe!.exec!.command!, reply, toStderr)).toBe(ready);
  });
});
