// KubeClient's lower-level public surface (resourcePath, request, serverSideApply, delete
// with propagation) and LiveCluster built on it, against the fake API server.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectLive } from '../../src/adapters/kube-live.ts';
import { connectKind, KubeApiError, type KubeClient } from '../../src/adapters/kube.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { serveDryRunApply } from '../support/fake-kube-live.ts';
import { tempDir } from '../support/temp.ts';

const FAST = { retry: { initialDelayMs: 1, maxDelayMs: 4, budgetMs: 2_000 } };

let fake: FakeKube;
let env: Record<string, string>;
let client: KubeClient;

beforeEach(async () => {
  fake = await startFakeKube();
  const dir = tempDir('kube-request-');
  env = { KUBECONFIG: fake.writeKubeconfig(dir), HOME: dir };
  client = connectKind(env, 'soma', FAST);
});
afterEach(async () => fake.close());

const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data });

describe('KubeClient.resourcePath', () => {
  it('builds collection and object paths from discovery, namespacing only namespaced kinds', async () => {
    expect(await client.resourcePath('apps/v1', 'Deployment', 'soma-infra')).toBe('/apis/apps/v1/namespaces/soma-infra/deployments');
    expect(await client.resourcePath('v1', 'Secret', undefined, 'a b')).toBe('/api/v1/namespaces/default/secrets/a%20b');
    expect(await client.resourcePath('v1', 'Namespace', 'ignored', 'x')).toBe('/api/v1/namespaces/x');
  });

  it('says which kind the API server does not serve', async () => {
    const err = (await client.resourcePath('example.com/v1', 'Thing').catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect([err.failure, err.message]).toEqual(['not-found', "the API server of context 'kind-soma' does not serve Thing (example.com/v1)"]);
  });
});

describe('KubeClient.request', () => {
  it('parses JSON answers and sends a body as application/json unless told otherwise', async () => {
    const path = await client.resourcePath('v1', 'ConfigMap', 'ns');
    const created = (await client.request('POST', path, 'create it', { body: JSON.stringify(configMap({ a: '1' })) })) as KubeObject;
    expect(created.metadata.resourceVersion).toBeTruthy();
    expect(fake.requests.find((r) => r.method === 'POST')?.contentType).toBe('application/json');
    expect(fake.get('v1', 'ConfigMap', 'c', 'ns')?.data).toEqual({ a: '1' });
  });

  it('returns text verbatim with accept: text, even text that is JSON', async () => {
    fake.fault((r) => (r.path === '/logs' ? { status: 200, text: '{"level":"info"}\n' } : undefined));
    expect(await client.request('GET', '/logs', 'read logs', { accept: 'text' })).toBe('{"level":"info"}\n');
    expect(await client.request('GET', '/logs', 'read logs')).toEqual({ level: 'info' });
  });

  it('retries transient failures, then answers', async () => {
    let failures = 0;
    fake.fault((r) => (r.path === '/flaky' ? (failures++ < 2 ? { status: 503, body: { message: 'busy' } } : { status: 200, body: { ok: true } }) : undefined));
    expect(await client.request('GET', '/flaky', 'read flaky')).toEqual({ ok: true });
    expect(fake.requests.filter((r) => r.path === '/flaky').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('maps permanent failures to error kinds at once, naming the action', async () => {
    const answers: Record<string, { status: number; body: unknown }> = {
      '/gone': { status: 404, body: { reason: 'NotFound', message: 'nothing here' } },
      '/taken': { status: 409, body: { reason: 'AlreadyExists', message: 'exists' } },
      '/bad': { status: 422, body: { reason: 'Invalid', message: 'spec.x: Invalid value' } },
    };
    fake.fault((r) => answers[r.path]);
    const fail = (path: string) => client.request('GET', path, `do ${path}`).catch((e: KubeApiError) => [e.failure, e.status, e.message]);
    expect(await fail('/gone')).toEqual(['not-found', 404, 'do /gone: not found (nothing here)']);
    expect(await fail('/taken')).toEqual(['conflict', 409, 'do /taken: exists']);
    expect(await fail('/bad')).toEqual(['invalid', 422, "the API server rejected do /bad on context 'kind-soma': spec.x: Invalid value"]);
    expect(fake.requests.filter((r) => r.path in answers)).toHaveLength(3);
  });
});

describe('KubeClient.serverSideApply and delete options', () => {
  it('dry-runs an apply for another field manager without storing anything', async () => {
    serveDryRunApply(fake);
    await client.apply(configMap({ a: '1' }));
    const predicted = await client.serverSideApply(configMap({ a: '2' }), { fieldManager: 'checker', dryRun: true });
    expect(predicted.data).toEqual({ a: '2' });
    const patch = fake.requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(patch.query).toMatchObject({ dryRun: 'All', fieldManager: 'checker', force: 'true' });
    expect(fake.get('v1', 'ConfigMap', 'c', 'ns')?.data).toEqual({ a: '1' });
  });

  it('applies with its own field manager by default', async () => {
    const applied = await client.serverSideApply(configMap({ a: '1' }));
    expect(applied.data).toEqual({ a: '1' });
    expect(fake.requests.find((r) => r.method === 'PATCH')?.query).toEqual({ fieldManager: 'somastack', force: 'true' });
  });

  it('passes a propagation policy on delete, and only when asked', async () => {
    await client.apply(configMap({ a: '1' }));
    expect(await client.delete('v1', 'ConfigMap', 'c', 'ns', { propagationPolicy: 'Background' })).toBe(true);
    expect(await client.delete('v1', 'ConfigMap', 'c', 'ns')).toBe(false);
    const deletes = fake.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.query)).toEqual([{ propagationPolicy: 'Background' }, {}]);
  });
});

describe('LiveCluster on KubeClient', () => {
  it('creates strictly (an existing object is a conflict) and deletes in the background', async () => {
    const live = connectLive(env, undefined, FAST);
    await live.create(configMap({ a: '1' }));
    const err = (await live.create(configMap({ a: '1' })).catch((e: unknown) => e)) as KubeApiError;
    expect([err.failure, err.message]).toEqual(['conflict', expect.stringMatching(/^create ConfigMap\/ns\/c: /)]);
    expect(await live.delete('v1', 'ConfigMap', 'c', 'ns')).toBe(true);
    expect(fake.requests.find((r) => r.method === 'DELETE')?.query).toEqual({ propagationPolicy: 'Background' });
  });

  it('reads a pod log as text', async () => {
    fake.fault((r) => (r.path === '/api/v1/namespaces/ns/pods/p/log' ? { status: 200, text: `42\ntail=${r.query.tailLines}` } : undefined));
    const live = connectLive(env, undefined, FAST);
    expect(await live.podLog('ns', 'p', 5)).toBe('42\ntail=5');
  });
});
