// Unknown fields without tracing every object. Tracing what a validator reads (trace.ts)
// costs several times the validation itself, and most objects of a kind have the same
// shape. A KnownFields per kind learns, from the traces of objects that validated cleanly,
// which keys the validator looks up at each place (array items and numeric keys folded
// into one place) and which places are maps (every key allowed). An object whose every key
// sits where such a lookup was seen cannot hold an unknown field, so it is validated
// without a trace; any other object is traced, reported as before, and taught from.

/** One place in a kind's objects: the keys looked up there, and the places below. */
interface Place {
  keys: Set<string>;
  /** The validator enumerated the keys here (a map): every key is allowed. */
  map: boolean;
  below: Map<string, Place>;
}

const newPlace = (): Place => ({ keys: new Set(), map: false, below: new Map() });

/** Array indexes and numeric keys are one place. */
function step(key: string): string {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(key) ? '*' : key;
}

function covers(value: unknown, at: Place | undefined): boolean {
  if (Array.isArray(value)) {
    if (!value.length) return true;
    const item = at?.below.get('*');
    return value.every((v) => covers(v, item));
  }
  if (!value || typeof value !== 'object') return true;
  for (const key in value) {
    if (!at || (!at.map && !at.keys.has(key))) return false;
    const v = (value as Record<string, unknown>)[key];
    if (v && typeof v === 'object' && !covers(v, at.below.get(step(key)))) return false;
  }
  return true;
}

export class KnownFields {
  readonly #root = newPlace();

  /** True when every key of `value` is known at its place: no trace needed. */
  covers(value: unknown): boolean {
    return covers(value, this.#root);
  }

  /** Learns from the trace of an object that passed its schema (no lookup was cut short). */
  learn(trace: { nodes: readonly { pointer: string; read: ReadonlySet<string>; enumerated: boolean }[] }): void {
    for (const node of trace.nodes) {
      let at = this.#root;
      for (const raw of node.pointer.split('/').slice(1)) {
        const key = step(raw.replaceAll('~1', '/').replaceAll('~0', '~'));
        let next = at.below.get(key);
        if (!next) at.below.set(key, (next = newPlace()));
        at = next;
      }
      at.map ||= node.enumerated;
      for (const k of node.read) at.keys.add(k);
    }
  }
}
