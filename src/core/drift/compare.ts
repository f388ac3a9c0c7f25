// Field-by-field comparison of an expected object (the desired one, or the server's
// dry-run answer) with the live one, looking only at the fields in scope. Used by both
// drift modes; Secret values never leave this function.
import type { KubeObject } from '../kube.ts';
import { isQuantity, parseQuantity } from '../quantity.ts';
import { isLeaf, isMap, itemKey, itemMatches, listKeysFor } from './fieldset.ts';
import type { FieldChange, FieldSet } from './types.ts';

type Seg = string | { key: Record<string, unknown> } | { index: number };

interface Walk {
  secret: boolean;
  /** Offline: fields git does not set are not compared, even inside atomic lists (server defaults live there). */
  subset: boolean;
  out: FieldChange[];
}

// Quantities are compared by value under these fields (`0.5` and `500m` are the same CPU).
const QUANTITY_PARENTS = new Set(['requests', 'limits', 'capacity', 'hard', 'storage', 'sizeLimit']);

export function formatPath(path: readonly Seg[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'string')
      s += /^[A-Za-z_$][\w$-]*$/.test(seg) ? `${s ? '.' : ''}${seg}` : `[${JSON.stringify(seg)}]`;
    else if ('index' in seg) s += `[${seg.index}]`;
    else
      s += `[${Object.entries(seg.key)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',')}]`;
  }
  return s;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) || (isMap(v) && !Object.keys(v).length)
  );
}

function scalarEqual(a: unknown, b: unknown, path: readonly Seg[]): boolean {
  if (a === b) return true;
  const parent = path.slice(-2).find((s): s is string => typeof s === 'string' && QUANTITY_PARENTS.has(s));
  if (parent && isQuantity(a) && isQuantity(b)) return parseQuantity(a as string) === parseQuantity(b as string);
  return false;
}

function record(w: Walk, path: readonly Seg[], desired: unknown, live: unknown): void {
  const op =
    desired === undefined || desired === null ? 'extra' : live === undefined || live === null ? 'missing' : 'changed';
  const masked = w.secret && (path[0] === 'data' || path[0] === 'stringData');
  const change: FieldChange = { path: formatPath(path), op };
  if (masked) change.masked = true;
  else {
    if (op !== 'extra') change.desired = desired;
    if (op !== 'missing') change.live = live;
  }
  w.out.push(change);
}

/** Compares two values entirely (a leaf of the field set): maps key by key, keyed lists item by item. */
function compareWhole(w: Walk, e: unknown, l: unknown, path: Seg[]): void {
  if (isEmpty(e) && isEmpty(l)) return;
  if (w.subset && (e === undefined || e === null)) return;
  // An empty map in git asks only for presence ({} for emptyDir, securityContext, ...).
  if (isMap(e) && !Object.keys(e).length && isMap(l)) return;
  const absentE = e === undefined || e === null;
  const absentL = l === undefined || l === null;
  // A whole map on one side only is one change, except Secret data, reported key by key.
  if ((absentE && isMap(l)) || (absentL && isMap(e))) {
    if (!(w.secret && path.length === 1 && (path[0] === 'data' || path[0] === 'stringData')))
      return record(w, path, e, l);
  }
  if ((isMap(e) || absentE) && (isMap(l) || absentL)) {
    const em = (e ?? {}) as Record<string, unknown>;
    const lm = (l ?? {}) as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(em), ...Object.keys(lm)])].sort())
      compareWhole(w, em[k], lm[k], [...path, k]);
    return;
  }
  if (Array.isArray(e) && Array.isArray(l)) return compareLists(w, e, l, path);
  if (!scalarEqual(e, l, path)) record(w, path, e, l);
}

function compareLists(w: Walk, e: unknown[], l: unknown[], path: Seg[]): void {
  const last = path[path.length - 1];
  const field = typeof last === 'string' ? last : '';
  const before = path[path.length - 2];
  const keys = listKeysFor(field, [...e, ...l], typeof before === 'string' ? before : '');
  if (keys) {
    const seen = new Set<string>();
    for (const item of [...e, ...l] as Record<string, unknown>[]) {
      const key = itemKey(item, keys);
      const id = JSON.stringify(key);
      if (seen.has(id)) continue;
      seen.add(id);
      compareWhole(
        w,
        e.find((i) => itemMatches(i, key)),
        l.find((i) => itemMatches(i, key)),
        [...path, { key }],
      );
    }
    return;
  }
  if (w.subset && e.length === l.length && e.every(isMap) && l.every(isMap)) {
    e.forEach((item, index) => compareWhole(w, item, l[index], [...path, { index }]));
    return;
  }
  if (JSON.stringify(e) !== JSON.stringify(l)) record(w, path, e, l);
}

function walk(w: Walk, scope: FieldSet, e: unknown, l: unknown, path: Seg[]): void {
  if (isLeaf(scope)) return compareWhole(w, e, l, path);
  for (const seg of Object.keys(scope).sort()) {
    const child = scope[seg]!;
    if (seg === '.') continue;
    const body = seg.slice(2);
    if (seg.startsWith('f:')) {
      walk(w, child, isMap(e) ? e[body] : undefined, isMap(l) ? l[body] : undefined, [...path, body]);
    } else if (seg.startsWith('k:')) {
      const key = JSON.parse(body) as Record<string, unknown>;
      const find = (v: unknown) => (Array.isArray(v) ? v.find((i) => itemMatches(i, key)) : undefined);
      const [ei, li] = [find(e), find(l)];
      // An item only one side has is one change (a whole container or env var), not one per field.
      if ((ei === undefined) !== (li === undefined)) {
        if (!(w.subset && ei === undefined)) record(w, [...path, { key }], ei, li);
        continue;
      }
      walk(w, child, ei, li, [...path, { key }]);
    } else if (seg.startsWith('v:')) {
      const value: unknown = JSON.parse(body);
      const has = (v: unknown) => Array.isArray(v) && v.some((i) => JSON.stringify(i) === JSON.stringify(value));
      if (has(e) !== has(l))
        record(w, [...path, JSON.stringify(value)], has(e) ? value : undefined, has(l) ? value : undefined);
    } else if (seg.startsWith('i:')) {
      const index = Number(body);
      walk(w, child, Array.isArray(e) ? e[index] : undefined, Array.isArray(l) ? l[index] : undefined, [
        ...path,
        { index },
      ]);
    }
  }
}

/**
 * The fields in `scope` whose values differ between `expected` and `live`. With `subset`
 * (offline), fields only the live object has are left out at every depth.
 */
export function compareObjects(
  expected: KubeObject,
  live: KubeObject,
  scope: FieldSet,
  opts: { subset?: boolean } = {},
): FieldChange[] {
  const w: Walk = {
    secret: expected.kind === 'Secret' && expected.apiVersion === 'v1',
    subset: opts.subset ?? false,
    out: [],
  };
  walk(w, scope, expected, live, []);
  return w.out;
}
