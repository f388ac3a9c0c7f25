// Secret values never reach a diff, a comment or a report. Each value is reduced to a
// hash as soon as the pair is read; the masked copies say only whether a key's value
// is the same, changed, new or gone, so reviewers see which keys moved and nothing else.
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

/** Key → hash of the value the API server would store (stringData wins over data, as it does on write). */
export function secretValueHashes(o: KubeObject): Map<string, string> {
  const hashes = new Map<string, string>();
  const data = asStringMap(o.data);
  for (const [k, v] of Object.entries(data)) hashes.set(k, hashBytes(Buffer.from(v, 'base64')));
  for (const [k, v] of Object.entries(asStringMap(o.stringData))) hashes.set(k, hashBytes(Buffer.from(v, 'utf8')));
  return hashes;
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
