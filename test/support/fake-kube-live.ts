// Additions to the fake API server (fake-kube.ts) for status/drift/smoke, built only on
// its public hooks: server-side apply with dryRun=All (answers with the merged object and
// a managedFields entry for the caller's field manager, stores nothing), pod logs, and a
// Job "controller" that runs a scripted pod for each created Job.
import type { KubeObject } from '../../src/core/kube.ts';
import type { FakeKube, FakeResponse, RecordedRequest } from './fake-kube.ts';

type Dict = Record<string, unknown>;
const isMap = (v: unknown): v is Dict => !!v && typeof v === 'object' && !Array.isArray(v);

// The list map keys of the few list types our fixtures use, as the real OpenAPI declares them.
const KEYED: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
};

// Container ports are keyed by containerPort+protocol, a Service's by port+protocol.
function keysOf(field: string, items: Dict[]): string[] | undefined {
  if (field === 'ports' && items.length && items.every((p) => 'containerPort' in p))
    return ['containerPort', 'protocol'];
  if (field === 'ports' && items.length && items.every((p) => 'port' in p && 'targetPort' in p))
    return ['port', 'protocol'];
  return KEYED[field];
}

/** FieldsV1 for an applied object, the way the API server records an Apply manager's fields. */
export function fieldsV1Of(value: unknown, field = ''): Dict {
  if (isMap(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[`f:${k}`] = fieldsV1Of(v, k);
    return out;
  }
  if (Array.isArray(value) && value.every(isMap)) {
    const keys = keysOf(field, value);
    if (!keys) return {};
    const out: Dict = {};
    for (const item of value) {
      const key = Object.fromEntries(keys.map((k) => [k, item[k] ?? (k === 'protocol' ? 'TCP' : undefined)]));
      out[`k:${JSON.stringify(key)}`] = { '.': {}, ...fieldsV1Of(item) };
    }
    return out;
  }
  return {};
}

function mergeApplied(live: unknown, applied: unknown, field = ''): unknown {
  if (isMap(live) && isMap(applied)) {
    const out: Dict = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v, k);
    return out;
  }
  const keys = Array.isArray(applied) && applied.every(isMap) ? keysOf(field, applied as Dict[]) : undefined;
  if (keys && Array.isArray(live) && Array.isArray(applied)) {
    // Keyed lists merge item by item (so server defaults such as protocol stay); items only the live object has stay too.
    const same = (a: Dict, b: Dict) =>
      keys.every(
        (k) => (a[k] ?? (k === 'protocol' ? 'TCP' : undefined)) === (b[k] ?? (k === 'protocol' ? 'TCP' : undefined)),
      );
    const merged = (applied as Dict[]).map((a) =>
      mergeApplied(
        (live as Dict[]).find((l) => same(l, a)),
        a,
      ),
    );
    return [...merged, ...(live as Dict[]).filter((l) => !(applied as Dict[]).some((a) => same(l, a)))];
  }
  return structuredClone(applied);
}

/** Answers `PATCH ...?dryRun=All` apply requests: the object as it would be, nothing stored. */
export function serveDryRunApply(fake: FakeKube): void {
  fake.fault((req: RecordedRequest): FakeResponse | undefined => {
    if (req.method !== 'PATCH' || req.query.dryRun !== 'All' || !req.contentType.startsWith('application/apply-patch'))
      return undefined;
    const body = req.body as KubeObject;
    const live = fake.get(body.apiVersion, body.kind, body.metadata.name, body.metadata.namespace);
    if (!live)
      return {
        status: 404,
        body: { kind: 'Status', reason: 'NotFound', message: `${body.kind} "${body.metadata.name}" not found` },
      };
    const applied = structuredClone(body) as Dict;
    if (body.kind === 'Secret' && isMap(applied.stringData)) {
      applied.data = Object.fromEntries(
        Object.entries(applied.stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]),
      );
      delete applied.stringData;
    }
    const merged = mergeApplied(live, applied) as KubeObject;
    const others = (Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : []) as Dict[];
    merged.metadata.managedFields = [
      ...others.filter((e) => e.manager !== req.query.fieldManager),
      {
        manager: req.query.fieldManager,
        operation: 'Apply',
        apiVersion: body.apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsV1Of(applied),
      },
    ];
    return { status: 200, body: merged };
  });
}

export interface PodScript {
  /** 'Succeeded' or 'Failed'; 'Pending' leaves the Job running forever (for timeouts). */
  phase: 'Succeeded' | 'Failed' | 'Pending';
  log: string;
}

/**
 * A Job controller: for every Job created, `script(job)` decides how its one pod ends
 * and what it logs. Pod logs are served at /api/v1/namespaces/<ns>/pods/<name>/log.
 */
export function runJobs(fake: FakeKube, script: (job: KubeObject) => PodScript): { jobs: KubeObject[] } {
  const seen = { jobs: [] as KubeObject[] };
  const logs = new Map<string, string>();
  fake.onWrite((o, verb) => {
    if (o.kind !== 'Job' || verb !== 'create') return;
    seen.jobs.push(o);
    const run = script(o);
    const ns = o.metadata.namespace!;
    const pod = `${o.metadata.name}-x1`;
    fake.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace: ns, labels: { 'job-name': o.metadata.name } },
      spec: {},
      status: { phase: run.phase },
    });
    logs.set(`${ns}/${pod}`, run.log);
    if (run.phase === 'Pending') return;
    const condition =
      run.phase === 'Succeeded'
        ? { type: 'Complete', status: 'True' }
        : {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          };
    fake.setStatus('batch/v1', 'Job', o.metadata.name, ns, {
      conditions: [condition],
      ...(run.phase === 'Succeeded' ? { succeeded: 1 } : { failed: 1 }),
    });
  });
  fake.fault((req) => {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(req.path);
    if (!m || req.method !== 'GET') return undefined;
    const log = logs.get(`${m[1]}/${m[2]}`);
    return log === undefined
      ? { status: 404, body: { kind: 'Status', reason: 'NotFound', message: `pods "${m[2]}" not found` } }
      : { status: 200, text: log };
  });
  return seen;
}
