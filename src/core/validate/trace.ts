// Unknown-field detection for validators compiled from the Kubernetes OpenAPI.
//
// The upstream OpenAPI documents (and the validators the kubernetes-models packages
// compile from them) leave `additionalProperties` open, so a misspelt field passes
// them silently; the API server with strict field validation, kubectl and kubeconform's
// strict schemas reject it. A compiled JSON-schema validator looks up every property
// its schema declares, iterates the keys of a map (`additionalProperties: {…}`), and
// does neither for a free-form object (`x-kubernetes-preserve-unknown-fields`). So we
// hand it a read-only view that records, per object node, which keys were looked up
// and whether the keys were enumerated: a key present in the object but never looked
// up, in a node whose keys were not enumerated, is a field the schema does not know.

export interface TracedNode {
  /** JSON pointer of the node in the checked object. */
  pointer: string;
  value: Record<string, unknown>;
  /** Keys the validator looked up. */
  read: Set<string>;
  /** The validator enumerated the keys (a map, or additionalProperties): every key is known. */
  enumerated: boolean;
}

export interface Trace {
  root: unknown;
  nodes: TracedNode[];
}

export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function wrap(value: object, pointer: string, nodes: TracedNode[]): object {
  const node: TracedNode | undefined = Array.isArray(value)
    ? undefined
    : { pointer, value: value as Record<string, unknown>, read: new Set(), enumerated: false };
  if (node) nodes.push(node);
  const children = new Map<string, object>();
  const note = (key: string | symbol) => {
    if (node && typeof key === 'string') node.read.add(key);
  };
  return new Proxy(value, {
    get(target, key) {
      const v = (target as Record<string | symbol, unknown>)[key];
      if (typeof key !== 'string') return v;
      note(key);
      if (!v || typeof v !== 'object') return v;
      let child = children.get(key);
      if (!child) {
        child = wrap(v, `${pointer}/${escapePointer(key)}`, nodes);
        children.set(key, child);
      }
      return child;
    },
    has(target, key) {
      note(key);
      return key in target;
    },
    getOwnPropertyDescriptor(target, key) {
      note(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      if (node) node.enumerated = true;
      return Reflect.ownKeys(target);
    },
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}

/** A read-only view of `value` that records what a validator reads. */
export function traceReads(value: unknown): Trace {
  const nodes: TracedNode[] = [];
  const root = value && typeof value === 'object' ? wrap(value, '', nodes) : value;
  return { root, nodes };
}

export interface UnknownField {
  /** Pointer of the unknown field itself. */
  pointer: string;
  key: string;
  /** The fields the schema knows at that place (for a "did you mean"). */
  known: string[];
}

/**
 * The fields no validator looked up. A node with no lookups at all is free-form
 * (preserve-unknown-fields, RawExtension) or was not reached because its parent
 * already failed; either way nothing is reported for it.
 */
export function unknownFields(trace: Trace, alsoKnown?: (pointer: string, key: string) => boolean): UnknownField[] {
  const out: UnknownField[] = [];
  for (const node of trace.nodes) {
    if (node.enumerated || node.read.size === 0) continue;
    for (const key of Object.keys(node.value)) {
      if (node.read.has(key) || alsoKnown?.(node.pointer, key)) continue;
      out.push({
        pointer: `${node.pointer}/${escapePointer(key)}`,
        key,
        known: [...node.read].filter((k) => !/^\d+$/.test(k)).sort(),
      });
    }
  }
  return out;
}

/** The known key closest to a misspelt one (edit distance ≤ 2, or differing only in case). */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const score = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return bestScore <= Math.min(2, Math.floor(key.length / 2)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
