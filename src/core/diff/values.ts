// Comparing values regardless of key order. Apart from text.ts, which prints and diffs
// YAML, so that deciding whether anything changed loads no YAML or diff library.

export const DEFAULT_CONTEXT = 4;

/** Recursively sorts mapping keys; toYaml then moves apiVersion/kind/metadata (and name/namespace) first. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)])) as T;
  }
  return value;
}

/** Structural equality that ignores key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
