// Secret values never reach a diff, a comment, a report or the render cache. Rendered
// Secrets are rewritten with a keyed digest in place of each value before anything keeps
// them (digestSecretValues); the masked copies say only whether a key's value is the
// same, changed, new or gone, so reviewers see which keys moved and nothing else.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube.ts';
import type { SecretKeyChanges } from './types.ts';

export const REDACTED = '<redacted>';
export const REDACTED_OLD = '<redacted, old value>';
export const REDACTED_NEW = '<redacted, new value>';

// Applied objects can carry their whole previous content, values included.
const LEAKY_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function isSecret(o: KubeObject | undefined): boolean {
  return !!o && o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === 'core/v1');
}

// A value already replaced by digestSecretValues. '<' and ':' are not base64, so a real
// `data` value never looks like one.
const DIGESTED = /^<digest:([0-9a-f]{16,128})>$/;

/** Key → hash of the value the API server would store (stringData wins over data, as it does on write). */
export function secretValueHashes(o: KubeObject): Map<string, string> {
  const hashes = new Map<string, string>();
  const data = asStringMap(o.data);
  for (const [k, v] of Object.entries(data))
    hashes.set(k, DIGESTED.exec(v)?.[1] ?? hashBytes(Buffer.from(v, 'base64')));
  for (const [k, v] of Object.entries(asStringMap(o.stringData)))
    hashes.set(k, DIGESTED.exec(v)?.[1] ?? hashBytes(Buffer.from(v, 'utf8')));
  return hashes;
}

/**
 * A copy of a Secret with each `data`/`stringData` value (and any leaky annotation)
 * replaced by `<digest:…>` of its bytes, so it can be kept on disk: equal values still
 * compare equal, and a changed value is still seen as changed. `digest` must be keyed
 * (an HMAC), or a short password could be found again from the file. Other objects are
 * returned as they are. Apply once, to freshly rendered objects.
 */
export function digestSecretValues(o: KubeObject, digest: (bytes: Buffer) => string): KubeObject {
  if (!isSecret(o)) return o;
  const copy: KubeObject = { ...o, metadata: { ...o.metadata } };
  const mark = (bytes: Buffer) => `<digest:${digest(bytes)}>`;
  const data = asStringMap(o.data);
  if (o.data !== undefined)
    copy.data = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, mark(Buffer.from(v, 'base64'))]));
  const plain = asStringMap(o.stringData);
  if (o.stringData !== undefined)
    copy.stringData = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, mark(Buffer.from(v, 'utf8'))]));
  const annotations = o.metadata.annotations;
  if (annotations && LEAKY_ANNOTATIONS.some((a) => a in annotations)) {
    copy.metadata.annotations = Object.fromEntries(
      Object.entries(annotations).map(([k, v]) => [
        k,
        LEAKY_ANNOTATIONS.includes(k) ? mark(Buffer.from(String(v), 'utf8')) : v,
      ]),
    );
  }
  return copy;
}

/** Compares two versions of a Secret by value hashes. */
export function compareSecretKeys(base: KubeObject | undefined, head: KubeObject | undefined): SecretKeyChanges {
  const b = base ? secretValueHashes(base) : new Map<string, string>();
  const h = head ? secretValueHashes(head) : new Map<string, string>();
  const added = [...h.keys()].filter((k) => !b.has(k)).sort();
  const removed = [...b.keys()].filter((k) => !h.has(k)).sort();
  const changed = [...h.keys()].filter((k) => b.has(k) && b.get(k) !== h.get(k)).sort();
  return { added, removed, changed };
}

/**
 * Returns copies of a Secret pair with every value replaced by a marker: the same
 * marker on both sides when the value is unchanged, old/new markers when it changed.
 */
export function maskSecretPair(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
): { base?: KubeObject; head?: KubeObject; keys: SecretKeyChanges } {
  const keys = compareSecretKeys(base, head);
  const changed = new Set(keys.changed);
  return {
    base: base && maskSecret(base, (k) => (changed.has(k) ? REDACTED_OLD : REDACTED)),
    head: head && maskSecret(head, (k) => (changed.has(k) ? REDACTED_NEW : REDACTED)),
    keys,
  };
}

function maskSecret(o: KubeObject, marker: (key: string) => string): KubeObject {
  const copy: KubeObject = { ...o, metadata: { ...o.metadata } };
  for (const field of ['data', 'stringData'] as const) {
    const values = asStringMap(o[field]);
    if (o[field] !== undefined) copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, marker(k)]));
  }
  const annotations = o.metadata.annotations;
  if (annotations && LEAKY_ANNOTATIONS.some((a) => a in annotations)) {
    copy.metadata.annotations = Object.fromEntries(
      Object.entries(annotations).map(([k, v]) => [k, LEAKY_ANNOTATIONS.includes(k) ? REDACTED : v]),
    );
  }
  return copy;
}

function asStringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function hashBytes(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
