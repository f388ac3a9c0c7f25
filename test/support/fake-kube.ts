// A node:http server that speaks the subset of the Kubernetes API this project uses:
// discovery, get/list (label selectors)/create/server-side apply/merge patch/delete for
// the kinds registered below, plus /version and /readyz. Tests script it: seed objects,
// react to writes (a controller that marks CRDs Established or rolls Deployments out),
// tick on reads (status that changes over time), and inject faults (503 then recover).
// It writes a kubeconfig whose context points at it. Others may register more kinds.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/core/kube.ts';
import {
  apiVersionOf,
  applyOver,
  mergePatch,
  normalize,
  parseSelector,
  refOf,
  safeJson,
  sameObject,
  status,
} from './fake-kube-semantics.ts';

export interface FakeResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  body: unknown;
  status: number;
}

/** What a fault handler returns to answer a request itself. */
export interface FakeResponse {
  status: number;
  body?: unknown;
  /** Sent as text/plain instead of JSON (pod logs). */
  text?: string;
}

type Verb = 'create' | 'apply' | 'patch' | 'replace' | 'delete';

export const DEFAULT_RESOURCES: FakeResource[] = [
  r('', 'v1', 'Namespace', 'namespaces', false),
  r('', 'v1', 'Node', 'nodes', false),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ConfigMap', 'configmaps', true),
  r('', 'v1', 'Service', 'services', true),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true),
  r('', 'v1', 'Pod', 'pods', true),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  r('apps', 'v1', 'Deployment', 'deployments', true),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true),
  r('batch', 'v1', 'Job', 'jobs', true),
  r('batch', 'v1', 'CronJob', 'cronjobs', true),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true),
  r('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true),
  r('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
];

/** Argo CD's kinds: served once its CRDs are applied (or registered up front by a test). */
export const ARGO_RESOURCES: FakeResource[] = [
  r('argoproj.io', 'v1alpha1', 'Application', 'applications', true),
  r('argoproj.io', 'v1alpha1', 'AppProject', 'appprojects', true),
  r('argoproj.io', 'v1alpha1', 'ApplicationSet', 'applicationsets', true),
];

function r(group: string, version: string, kind: string, plural: string, namespaced: boolean): FakeResource {
  return { group, version, kind, plural, namespaced };
}

export class FakeKube {
  readonly requests: RecordedRequest[] = [];
  /** Successful writes in order: what a test asserts about order. */
  readonly writes: { verb: Verb; ref: string; changed: boolean }[] = [];
  private readonly resources: FakeResource[];
  private readonly store = new Map<string, KubeObject>();
  private readonly faults: ((req: RecordedRequest) => FakeResponse | undefined)[] = [];
  private readonly writeHooks: ((o: KubeObject, verb: Verb, fake: FakeKube) => void)[] = [];
  private readonly readHooks: ((fake: FakeKube) => void)[] = [];
  private server: Server | undefined;
  private rv = 1000;
  url = '';

  constructor(resources: FakeResource[] = DEFAULT_RESOURCES) {
    this.resources = [...resources];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Writes a kubeconfig with a context for this server (and any extra contexts given); returns its path. */
  writeKubeconfig(
    dir: string,
    opts: {
      context?: string;
      clusterName?: string;
      current?: string;
      extra?: { context: string; server: string }[];
    } = {},
  ): string {
    const context = opts.context ?? 'kind-soma';
    const clusterName = opts.clusterName ?? context;
    const entries = [
      { context, cluster: clusterName, server: this.url },
      ...(opts.extra ?? []).map((e) => ({ ...e, cluster: e.context })),
    ];
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': opts.current ?? context,
      clusters: entries.map((e) => ({
        name: e.cluster,
        cluster: { server: e.server, 'insecure-skip-tls-verify': true },
      })),
      users: entries.map((e) => ({ name: e.context, user: { token: 'fake-token' } })),
      contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.cluster, user: e.context } })),
    };
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  register(resource: FakeResource): void {
    if (!this.findResource(resource.group, resource.version, resource.plural)) this.resources.push(resource);
  }

  /** Answers matching requests itself while `fault` returns a response (e.g. 503 for the first N). */
  fault(fn: (req: RecordedRequest) => FakeResponse | undefined): void {
    this.faults.push(fn);
  }

  /** Runs after every successful write, with the stored object (mutate it through `put`/`patchStatus`). */
  onWrite(fn: (o: KubeObject, verb: Verb, fake: FakeKube) => void): void {
    this.writeHooks.push(fn);
  }

  /** Runs before every read: a clock that advances object status as the client polls. */
  onRead(fn: (fake: FakeKube) => void): void {
    this.readHooks.push(fn);
  }

  /** Stores an object as is (a test's seed, or a controller's doing). */
  put(o: KubeObject): KubeObject {
    const res = this.resourceFor(o.apiVersion, o.kind);
    const stored = structuredClone(o);
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.uid ??= `uid-${this.rv}`;
    stored.metadata.generation ??= 1;
    if (!res.namespaced) delete stored.metadata.namespace;
    this.store.set(this.key(res, stored.metadata.namespace, stored.metadata.name), stored);
    return stored;
  }

  /** Replaces an object's status (as a controller would). */
  setStatus(apiVersion: string, kind: string, name: string, namespace: string | undefined, status: unknown): void {
    const o = this.get(apiVersion, kind, name, namespace);
    if (!o) throw new Error(`fake: no ${kind} ${namespace ?? ''}/${name}`);
    this.put({ ...o, status });
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    const res = this.resourceFor(apiVersion, kind);
    const o = this.store.get(this.key(res, res.namespaced ? namespace : undefined, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Removes an object as is (a test's clean-up, or a controller's doing); true when it was there. */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): boolean {
    const res = this.resourceFor(apiVersion, kind);
    return this.store.delete(this.key(res, res.namespaced ? namespace : undefined, name));
  }

  all(kind?: string): KubeObject[] {
    return [...this.store.values()].filter((o) => !kind || o.kind === kind).map((o) => structuredClone(o));
  }

  // ------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: String(req.headers['content-type'] ?? ''),
      body: text ? safeJson(text) : undefined,
      status: 0,
    };
    this.requests.push(rec);
    let out: FakeResponse;
    try {
      out = this.faults.map((f) => f(rec)).find(Boolean) ?? this.route(rec);
    } catch (e) {
      out = status(500, 'InternalError', (e as Error).message);
    }
    rec.status = out.status;
    if (out.text !== undefined) {
      res.writeHead(out.status, { 'content-type': 'text/plain' });
      res.end(out.text);
      return;
    }
    res.writeHead(out.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out.body ?? {}));
  }

  private route(req: RecordedRequest): FakeResponse {
    const p = req.path;
    if (p === '/version') return { status: 200, body: { major: '1', minor: '34', gitVersion: 'v1.34.11' } };
    if (p === '/readyz' || p === '/livez') return { status: 200, body: 'ok' };
    if (p === '/api') return { status: 200, body: { kind: 'APIVersions', versions: ['v1'] } };
    if (p === '/apis') return { status: 200, body: this.groupList() };
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))((?:\/[^/]+)*)$/.exec(p);
    if (!m) return status(404, 'NotFound', `the server could not find the requested resource (${p})`);
    const [, coreVersion, group = '', groupVersion, rest = ''] = m;
    const version = coreVersion ?? groupVersion!;
    const seg = rest.split('/').filter(Boolean).map(decodeURIComponent);
    if (!seg.length) return this.discovery(group, version);
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (seg[0] === 'namespaces' && seg.length >= 3)
      [, namespace, plural, name] = seg as [string, string, string, string?];
    else [plural, name] = seg as [string, string?];
    const res = this.findResource(group, version, plural);
    if (!res || seg.length > 4)
      return status(404, 'NotFound', `the server could not find the requested resource (${p})`);
    if (name) return this.object(req, res, namespace, name);
    return this.collection(req, res, namespace);
  }

  private groupList() {
    const groups = [...new Set(this.resources.filter((x) => x.group).map((x) => `${x.group}/${x.version}`))];
    return {
      kind: 'APIGroupList',
      groups: groups.map((gv) => ({
        name: gv.split('/')[0],
        versions: [{ groupVersion: gv, version: gv.split('/')[1] }],
      })),
    };
  }

  private discovery(group: string, version: string): FakeResponse {
    const list = this.resources.filter((x) => x.group === group && x.version === version);
    if (!list.length) return status(404, 'NotFound', `no API group ${group}/${version}`);
    return {
      status: 200,
      body: {
        kind: 'APIResourceList',
        groupVersion: group ? `${group}/${version}` : version,
        resources: list.map((x) => ({
          name: x.plural,
          kind: x.kind,
          namespaced: x.namespaced,
          verbs: ['get', 'list', 'create', 'patch', 'delete'],
        })),
      },
    };
  }

  private collection(req: RecordedRequest, res: FakeResource, namespace: string | undefined): FakeResponse {
    if (req.method === 'GET') {
      for (const h of this.readHooks) h(this);
      const selector = parseSelector(req.query.labelSelector);
      const items = [...this.store.entries()]
        .filter(([k]) =>
          k.startsWith(namespace ? `${res.group}/${res.plural}/${namespace}/` : `${res.group}/${res.plural}/`),
        )
        .map(([, o]) => o)
        .filter((o) => selector.every(([k, v]) => o.metadata.labels?.[k] === v))
        .map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      return {
        status: 200,
        body: {
          kind: `${res.kind}List`,
          apiVersion: apiVersionOf(res),
          metadata: { resourceVersion: String(this.rv) },
          items,
        },
      };
    }
    if (req.method === 'POST') {
      const o = req.body as KubeObject;
      if (!o?.metadata?.name) return status(422, 'Invalid', 'metadata.name: Required value');
      if (this.store.has(this.key(res, namespace, o.metadata.name))) {
        return status(409, 'AlreadyExists', `${res.plural} "${o.metadata.name}" already exists`);
      }
      const stored = this.put(
        normalize({
          ...o,
          metadata: {
            ...o.metadata,
            ...(res.namespaced ? { namespace } : {}),
            creationTimestamp: '2026-01-01T00:00:00Z',
          },
        }),
      );
      return this.written(stored, 'create', true, 201);
    }
    return status(405, 'MethodNotAllowed', req.method);
  }

  private object(req: RecordedRequest, res: FakeResource, namespace: string | undefined, name: string): FakeResponse {
    const key = this.key(res, namespace, name);
    const existing = this.store.get(key);
    if (req.method === 'GET') {
      for (const h of this.readHooks) h(this);
      const now = this.store.get(key);
      return now ? { status: 200, body: now } : status(404, 'NotFound', `${res.plural} "${name}" not found`);
    }
    if (req.method === 'DELETE') {
      if (!existing) return status(404, 'NotFound', `${res.plural} "${name}" not found`);
      this.store.delete(key);
      this.writes.push({ verb: 'delete', ref: refOf(existing), changed: true });
      return { status: 200, body: { kind: 'Status', status: 'Success' } };
    }
    if (req.method === 'PATCH') return this.patch(req, res, namespace, name, existing);
    return status(405, 'MethodNotAllowed', req.method);
  }

  private patch(
    req: RecordedRequest,
    res: FakeResource,
    namespace: string | undefined,
    name: string,
    existing: KubeObject | undefined,
  ): FakeResponse {
    const body = req.body as KubeObject;
    if (req.contentType.startsWith('application/apply-patch')) {
      if (!req.query.fieldManager) return status(422, 'Invalid', 'fieldManager is required for apply requests');
      if (body?.metadata?.name !== name)
        return status(400, 'BadRequest', 'the name of the object does not match the name in the URL');
      const desired = normalize({ ...body, metadata: { ...body.metadata, ...(res.namespaced ? { namespace } : {}) } });
      if (!existing)
        return this.written(
          this.put({ ...desired, metadata: { ...desired.metadata, creationTimestamp: '2026-01-01T00:00:00Z' } }),
          'apply',
          true,
        );
      const merged = applyOver(existing, desired);
      if (sameObject(existing, merged)) return this.written(existing, 'apply', false);
      if (JSON.stringify(existing.spec) !== JSON.stringify(merged.spec))
        merged.metadata.generation = Number(existing.metadata.generation ?? 1) + 1;
      return this.written(this.put(merged), 'apply', true);
    }
    if (!existing) return status(404, 'NotFound', `${res.plural} "${name}" not found`);
    const merged = mergePatch(existing, body) as KubeObject;
    return this.written(this.put(merged), 'patch', true);
  }

  private written(o: KubeObject, verb: Verb, changed: boolean, code = 200): FakeResponse {
    this.writes.push({ verb, ref: refOf(o), changed });
    if (changed) for (const h of this.writeHooks) h(structuredClone(o), verb, this);
    const now = this.get(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace) ?? o;
    return { status: code, body: now };
  }

  private findResource(group: string, version: string, plural: string): FakeResource | undefined {
    return this.resources.find((x) => x.group === group && x.version === version && x.plural === plural);
  }

  private resourceFor(apiVersion: string, kind: string): FakeResource {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const res = this.resources.find((x) => x.group === group && x.version === version && x.kind === kind);
    if (!res) throw new Error(`fake: kind ${kind} (${apiVersion}) is not registered`);
    return res;
  }

  private key(res: FakeResource, namespace: string | undefined, name: string): string {
    return `${res.group}/${res.plural}/${res.namespaced ? (namespace ?? '') : ''}/${name}`;
  }
}

export async function startFakeKube(resources?: FakeResource[]): Promise<FakeKube> {
  return new FakeKube(resources).start();
}
