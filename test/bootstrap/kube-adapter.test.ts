import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectKind, guardKindContext, KubeApiError, KubeClient, loadContext } from '../../src/adapters/kube.ts';
import { ARGO_RESOURCES, type FakeKube, startFakeKube } from '../support/fake-kube.ts';
import { tempDir } from '../support/temp.ts';

const FAST = { retry: { initialDelayMs: 1, maxDelayMs: 4, budgetMs: 2_000 } };

let fake: FakeKube;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  fake = await startFakeKube();
  dir = tempDir('kube-adapter-');
  env = { KUBECONFIG: fake.writeKubeconfig(dir), HOME: dir };
});
afterEach(async () => fake.close());

describe('kubeconfig and the context guard', () => {
  it('loads only the named context, whatever the current context is', () => {
    const file = fake.writeKubeconfig(dir, { current: 'prod', extra: [{ context: 'prod', server: 'https://prod.example.com' }] });
    const kc = loadContext({ KUBECONFIG: file }, 'kind-soma');
    expect(kc?.getCurrentContext()).toBe('kind-soma');
    expect(kc?.getContexts().map((c) => c.name)).toEqual(['kind-soma']);
    expect(kc?.getClusters().map((c) => c.server)).toEqual([fake.url]);
  });

  it('returns undefined when no file has the context, and skips files that do not exist', () => {
    expect(loadContext({ KUBECONFIG: `${join(dir, 'missing')}:${env.KUBECONFIG}` }, 'kind-other')).toBeUndefined();
    expect(loadContext({ KUBECONFIG: `${join(dir, 'missing')}:${env.KUBECONFIG}` }, 'kind-soma')).toBeDefined();
  });

  it('refuses a kind-named context whose API server is not on this machine', () => {
    const file = join(dir, 'remote');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'kind-soma',
      clusters: [{ name: 'kind-soma', cluster: { server: 'https://10.1.2.3:6443' } }],
      users: [{ name: 'kind-soma', user: { token: 't' } }],
      contexts: [{ name: 'kind-soma', context: { cluster: 'kind-soma', user: 'kind-soma' } }],
    }));
    expect(() => connectKind({ KUBECONFIG: file }, 'soma')).toThrow(/not on this machine/);
  });

  it('refuses a context whose cluster entry is not the Kind one', () => {
    const file = fake.writeKubeconfig(dir, { clusterName: 'prod-cluster' });
    const kc = loadContext({ KUBECONFIG: file }, 'kind-soma')!;
    expect(() => guardKindContext(kc, 'soma')).toThrow(/cluster entry 'prod-cluster'/);
  });

  it('says how to restore a missing context', () => {
    expect(() => connectKind(env, 'other')).toThrow(/no kubeconfig context 'kind-other'/);
  });
});

describe('KubeClient against the fake API server', () => {
  it('applies server-side with a field manager, and tells created, configured and unchanged apart', async () => {
    const client = connectKind(env, 'soma', FAST);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { a: '1' } };
    expect((await client.apply(cm)).outcome).toBe('created');
    expect((await client.apply(cm)).outcome).toBe('unchanged');
    expect((await client.apply({ ...cm, data: { a: '2' } })).outcome).toBe('configured');
    const patch = fake.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(patch.query).toMatchObject({ fieldManager: 'somastack', force: 'true' });
    expect(patch.path).toBe('/api/v1/namespaces/ns/configmaps/c');
  });

  it('reads a status write between its GET and PATCH as unchanged (Argo CD writes Application status in place)', async () => {
    for (const r of ARGO_RESOURCES) fake.register(r);
    const client = connectKind(env, 'soma', FAST);
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', namespace: 'argocd', labels: { x: '1' } }, spec: { project: 'p' } };
    expect((await client.apply(app)).outcome).toBe('created');
    // The controller's writes land while the apply is in flight: status, an operation, a refresh it takes back.
    let n = 0;
    fake.fault((r) => {
      if (r.method !== 'PATCH') return undefined;
      const live = fake.get(app.apiVersion, app.kind, 'a', 'argocd')!;
      fake.put({ ...live, status: { sync: { status: 'Synced', revision: `rev-${++n}` } }, operation: { sync: { revision: 'HEAD' } }, metadata: { ...live.metadata, annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
      return undefined;
    });
    const versionBefore = fake.get(app.apiVersion, app.kind, 'a', 'argocd')!.metadata.resourceVersion;
    const quiet = await client.apply(app);
    expect(quiet.object.metadata.resourceVersion).not.toBe(versionBefore); // the version did move
    expect(quiet.object.status).toEqual({ sync: { status: 'Synced', revision: 'rev-1' } });
    expect(quiet.outcome).toBe('unchanged');
    expect((await client.apply({ ...app, spec: { project: 'q' } })).outcome).toBe('configured');
    expect((await client.apply({ ...app, metadata: { ...app.metadata, labels: { x: '2' } } })).outcome).toBe('configured');
  });

  it('sends every field of a CRD schema, including ones client-node models would drop', async () => {
    const client = connectKind(env, 'soma', FAST);
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'things.example.com' },
      spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    await client.apply(crd);
    const stored = fake.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'things.example.com')!;
    expect((stored.spec as any).versions[0].schema.openAPIV3Schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('gets, lists with a label selector, creates (409 = already there) and deletes', async () => {
    const client = connectKind(env, 'soma', FAST);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', labels: { a: 'b' } }, data: {} };
    expect(await client.get('v1', 'Secret', 's', 'ns')).toBeUndefined();
    expect(await client.create(secret)).toEqual({ created: true });
    expect(await client.create(secret)).toEqual({ created: false });
    await client.create({ ...secret, metadata: { name: 't', namespace: 'ns' } });
    const listed = await client.list('v1', 'Secret', { namespace: 'ns', labelSelector: 'a=b' });
    expect(listed.map((o) => [o.kind, o.metadata.name])).toEqual([['Secret', 's']]);
    expect(await client.delete('v1', 'Secret', 's', 'ns')).toBe(true);
    expect(await client.delete('v1', 'Secret', 's', 'ns')).toBe(false);
  });

  it('finds a kind that appears after its CRD is installed (discovery refreshed on a miss)', async () => {
    const client = connectKind(env, 'soma', FAST);
    await expect(client.list('argoproj.io/v1alpha1', 'Application', { namespace: 'argocd' })).rejects.toThrow(/does not serve Application/);
    for (const r of ARGO_RESOURCES) fake.register(r);
    expect(await client.list('argoproj.io/v1alpha1', 'Application', { namespace: 'argocd' })).toEqual([]);
  });

  it('retries 503 and 429 with backoff until the API server recovers', async () => {
    let failures = 0;
    fake.fault(() => (failures++ < 3 ? { status: failures === 2 ? 429 : 503, body: { message: 'starting' } } : undefined));
    const client = connectKind(env, 'soma', FAST);
    expect(await client.get('v1', 'Namespace', 'x')).toBeUndefined();
    expect(fake.requests.filter((r) => r.status === 503 || r.status === 429)).toHaveLength(3);
  });

  it('gives up on a transient failure after the retry budget, naming the API server', async () => {
    fake.fault(() => ({ status: 503, body: { message: 'etcd unavailable' } }));
    const client = connectKind(env, 'soma', { retry: { initialDelayMs: 1, maxDelayMs: 2, budgetMs: 30 } });
    const err = await client.get('v1', 'Namespace', 'x').catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.failure).toBe('transient');
    expect(err.message).toMatch(/answered 503.*etcd unavailable/);
  });

  it('fails at once on 403 and 422 with the reason', async () => {
    fake.fault((r) => (r.method === 'PATCH' ? { status: 403, body: { reason: 'Forbidden', message: 'secrets is forbidden' } } : undefined));
    const client = connectKind(env, 'soma', FAST);
    const err = await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' } }).catch((e) => e);
    expect(err.failure).toBe('forbidden');
    expect(err.message).toMatch(/no permission to apply Secret\/n\/s on context 'kind-soma': secrets is forbidden/);
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('reports an unreachable API server as such, after retrying', async () => {
    await fake.close();
    const client = connectKind(env, 'soma', { retry: { initialDelayMs: 1, maxDelayMs: 2, budgetMs: 20 } });
    const err = (await client.raw('/version').catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.failure).toBe('unreachable');
    expect(err.message).toMatch(/could not reach the cluster at http:\/\/127\.0\.0\.1:\d+ \(context 'kind-soma'\)/);
  });

  it('exposes the context and server it talks to', () => {
    const client = connectKind(env, 'soma');
    expect(client).toBeInstanceOf(KubeClient);
    expect([client.context, client.server]).toEqual(['kind-soma', fake.url]);
  });
});
