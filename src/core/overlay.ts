// Turns "the objects a component runs in the base environment" and "the objects it
// runs in environment E" into a kustomize overlay: strategic-merge patches for the
// objects that differ, whole objects for those only E has, and `$patch: delete` for
// those E drops. Because overlays are derived, they cannot drift from the TypeScript
// definition; the render test proves kustomize reproduces build(E) exactly.
import { objectKey, type KubeObject } from './kube.ts';

type Value = unknown;
type Obj = Record<string, Value>;

/**
 * Lists whose items kustomize merges by a key (the Kubernetes OpenAPI patch merge
 * keys of the fields our objects use; ports are keyed by number and protocol
 * together). Every other list is replaced as a whole.
 */
function mergeKey(field: string, items: readonly Value[]): string[] | undefined {
  const all = (k: string) => items.every((i) => isObj(i) && k in i);
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return all('name') ? ['name'] : undefined;
    case 'volumeMounts':
      return all('mountPath') ? ['mountPath'] : undefined;
    case 'ports':
      if (all('containerPort')) return all('protocol') ? ['containerPort', 'protocol'] : ['containerPort'];
      if (all('port')) return all('protocol') ? ['port', 'protocol'] : ['port'];
      return undefined;
    default:
      return undefined;
  }
}

function isObj(v: Value): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

const NO_CHANGE = Symbol('no change');

/** The strategic-merge patch that turns `base` into `target`, or NO_CHANGE. */
function diffValue(field: string, base: Value, target: Value): Value | typeof NO_CHANGE {
  if (deepEqual(base, target)) return NO_CHANGE;
  if (isObj(base) && isObj(target)) return diffObject(base, target);
  if (Array.isArray(base) && Array.isArray(target)) {
    const kb = mergeKey(field, base);
    const key = kb && deepEqual(kb, mergeKey(field, target)) ? kb : undefined;
    return key ? diffKeyedList(key, base as Obj[], target as Obj[]) : target;
  }
  return target;
}

function diffObject(base: Obj, target: Obj): Obj {
  const patch: Obj = {};
  for (const [k, t] of Object.entries(target)) {
    if (t === undefined) continue;
    const d = k in base && base[k] !== undefined ? diffValue(k, base[k], t) : t;
    if (d !== NO_CHANGE) patch[k] = d;
  }
  for (const k of Object.keys(base)) {
    if (base[k] !== undefined && (!(k in target) || target[k] === undefined)) patch[k] = null;
  }
  return patch;
}

function diffKeyedList(keys: string[], base: Obj[], target: Obj[]): Value | typeof NO_CHANGE {
  const id = (o: Obj): Obj => Object.fromEntries(keys.map((k) => [k, o[k]]));
  const same = (a: Obj, b: Obj) => keys.every((k) => deepEqual(a[k], b[k]));
  // kustomize moves the items a patch names to the front of the merged list, in the
  // patch's order. So when anything in the list changes, every target item is named
  // (unchanged ones by key only) in target order, which pins the order exactly.
  const items: Obj[] = [];
  let changed = false;
  for (const t of target) {
    const b = base.find((i) => same(i, t));
    if (!b) {
      items.push(t);
      changed = true;
      continue;
    }
    const d = diffObject(b, t);
    if (Object.keys(d).length) changed = true;
    items.push({ ...id(t), ...d });
  }
  for (const b of base) {
    if (!target.some((t) => same(t, b))) {
      items.push({ ...id(b), $patch: 'delete' });
      changed = true;
    }
  }
  const sameOrder = deepEqual(
    base.filter((b) => target.some((t) => same(t, b))).map(id),
    target.filter((t) => base.some((b) => same(t, b))).map(id),
  );
  return changed || !sameOrder ? items : NO_CHANGE;
}

/** A strategic-merge patch for one object: identity fields plus what differs. */
export function strategicMergePatch(base: KubeObject, target: KubeObject): Obj | undefined {
  const d = diffObject(base as Obj, target as Obj);
  delete d.apiVersion;
  delete d.kind;
  if (!Object.keys(d).length) return undefined;
  const meta = isObj(d.metadata) ? d.metadata : {};
  return { apiVersion: target.apiVersion, kind: target.kind, ...d, metadata: { ...identity(target), ...meta } };
}

function identity(o: KubeObject): Obj {
  return o.metadata.namespace ? { name: o.metadata.name, namespace: o.metadata.namespace } : { name: o.metadata.name };
}

export interface OverlayPlan {
  /** Patches for objects present in both, in target order. */
  patches: Obj[];
  /** Objects only the target environment has. */
  added: KubeObject[];
  /** `$patch: delete` patches for objects only the base has. */
  deleted: Obj[];
}

export function planOverlay(base: readonly KubeObject[], target: readonly KubeObject[]): OverlayPlan {
  const baseByKey = new Map(base.map((o) => [objectKey(o), o]));
  const targetKeys = new Set(target.map(objectKey));
  const plan: OverlayPlan = { patches: [], added: [], deleted: [] };
  for (const t of target) {
    const b = baseByKey.get(objectKey(t));
    if (!b) plan.added.push(t);
    else {
      const p = strategicMergePatch(b, t);
      if (p) plan.patches.push(p);
    }
  }
  for (const b of base) {
    if (!targetKeys.has(objectKey(b)))
      plan.deleted.push({ apiVersion: b.apiVersion, kind: b.kind, metadata: identity(b), $patch: 'delete' });
  }
  return plan;
}
