// Which fields a comparison looks at. Live mode takes them from the API server
// (`managedFields` of our field manager after a server-side apply dry-run); offline mode
// derives the same notation from the desired object itself. Both end up in one walker.
import type { KubeObject } from '../kube.ts';
import type { FieldSet } from './types.ts';

type Dict = Record<string, unknown>;

export function isMap(v: unknown): v is Dict {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

// Associative lists and their key fields, as the Kubernetes OpenAPI declares them
// (x-kubernetes-list-map-keys). Lists not named here are atomic: compared whole.
// `parent` is the field that holds the list: Service `spec.ports` is keyed by port, but
// NetworkPolicy rule ports (held by a list item) are atomic.
const LIST_KEYS: Record<string, (item: Dict, parent: string) => string[] | undefined> = {
  containers: () => ['name'],
  initContainers: () => ['name'],
  ephemeralContainers: () => ['name'],
  env: () => ['name'],
  volumes: () => ['name'],
  volumeMounts: () => ['mountPath'],
  volumeDevices: () => ['devicePath'],
  imagePullSecrets: () => ['name'],
  hostAliases: () => ['ip'],
  conditions: () => ['type'],
  topologySpreadConstraints: () => ['topologyKey', 'whenUnsatisfiable'],
  ports: (item, parent) =>
    'containerPort' in item
      ? ['containerPort', 'protocol']
      : 'port' in item && parent === 'spec'
        ? ['port', 'protocol']
        : undefined,
};

// The API server fills `protocol: TCP` into ports; a key without it means TCP.
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

function keyValue(item: Dict, field: string): unknown {
  return item[field] ?? KEY_DEFAULTS[field];
}

/** The key fields of a list's items, or undefined when the list is atomic. */
export function listKeysFor(field: string, items: readonly unknown[], parent = ''): string[] | undefined {
  const first = items.find(isMap);
  if (!first || !items.every(isMap)) return undefined;
  const keys = LIST_KEYS[field]?.(first, parent);
  if (!keys) return undefined;
  // Only when every item has the first key: otherwise the list cannot be keyed reliably.
  return items.every((i) => (i as Dict)[keys[0]!] !== undefined) ? keys : undefined;
}

export function itemKey(item: Dict, keys: readonly string[]): Dict {
  const k: Dict = {};
  for (const f of keys) k[f] = keyValue(item, f);
  return k;
}

export function itemMatches(item: unknown, key: Dict): boolean {
  return isMap(item) && Object.entries(key).every(([f, v]) => keyValue(item, f) === v);
}

/** The fields a desired object sets, in fieldsV1 notation. Empty maps are leaves (their presence). */
export function fieldSetOf(value: unknown, field = '', parent = ''): FieldSet {
  if (isMap(value)) {
    const out: FieldSet = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      out[`f:${k}`] = fieldSetOf(v, k, field);
    }
    return out;
  }
  if (Array.isArray(value)) {
    const keys = listKeysFor(field, value, parent);
    if (!keys) return {};
    const out: FieldSet = {};
    for (const item of value as Dict[])
      out[`k:${JSON.stringify(itemKey(item, keys))}`] = { '.': {}, ...fieldSetOf(item) };
    return out;
  }
  return {};
}

export function unionFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? unionFieldSets(a[k]!, v) : v;
  return out;
}

/** The fields `manager` owns through server-side apply, from the object's managedFields. */
export function ownedFieldSet(o: KubeObject, manager: string): FieldSet {
  const entries = Array.isArray(o.metadata.managedFields) ? (o.metadata.managedFields as Dict[]) : [];
  let owned: FieldSet = {};
  for (const e of entries) {
    if (e.manager !== manager || e.operation !== 'Apply' || !isMap(e.fieldsV1)) continue;
    owned = unionFieldSets(owned, e.fieldsV1 as FieldSet);
  }
  return owned;
}

export function isLeaf(s: FieldSet): boolean {
  return Object.keys(s).every((k) => k === '.');
}
