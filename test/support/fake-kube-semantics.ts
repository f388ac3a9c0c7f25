// What the fake API server does to objects, in the API server's own terms: Status
// errors, label selectors, Secret stringData, server-side apply (simplified: applied
// fields replace live ones, status stays) and JSON merge patch.
import type { KubeObject } from '../../src/core/kube.ts';
import type { FakeResource, FakeResponse } from './fake-kube.ts';

export function status(code: number, reason: string, message: string): FakeResponse {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code } };
}

export function apiVersionOf(res: FakeResource): string {
  return res.group ? `${res.group}/${res.version}` : res.version;
}

export function refOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function parseSelector(selector: string | undefined): [string, string][] {
  if (!selector) return [];
  return selector.split(',').map((part) => {
    const [k, v] = part.split('=');
    return [k!.trim(), (v ?? '').trim()];
  });
}

/** What the real API server does to a Secret's stringData: merged into data, base64. */
export function normalize(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || !o.stringData) return o;
  const data = { ...((o.data as Record<string, string>) ?? {}) };
  for (const [k, v] of Object.entries(o.stringData as Record<string, string>))
    data[k] = Buffer.from(v).toString('base64');
  const { stringData: _s, ...rest } = o;
  return { ...rest, data } as KubeObject;
}

/** Server-side apply, simplified: the applied fields replace the live ones; status and server fields stay. */
export function applyOver(live: KubeObject, applied: KubeObject): KubeObject {
  const out = structuredClone(live);
  for (const [k, v] of Object.entries(applied)) {
    if (k === 'metadata' || k === 'status') continue;
    out[k] = structuredClone(v);
  }
  const meta = applied.metadata;
  out.metadata = {
    ...out.metadata,
    labels: meta.labels ? { ...(live.metadata.labels ?? {}), ...meta.labels } : live.metadata.labels,
    annotations: meta.annotations
      ? { ...(live.metadata.annotations ?? {}), ...meta.annotations }
      : live.metadata.annotations,
    ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
  };
  if (!out.metadata.labels) delete out.metadata.labels;
  if (!out.metadata.annotations) delete out.metadata.annotations;
  return out;
}

export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, generation: undefined },
  });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
