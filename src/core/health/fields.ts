// Small readers for untyped live objects: status fields are often absent (a fresh
// object, an older API version), and absent must read as zero/empty, never throw.

export type Dict = Record<string, unknown>;

export function dict(v: unknown): Dict {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : {};
}

/** Set to an object, even an empty one (`terminated: {}` still means the container ended). */
export function isObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function list(v: unknown): Dict[] {
  return Array.isArray(v) ? v.map(dict) : [];
}

export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A number when the field is set, undefined otherwise (Argo CD skips checks on unset replica counts). */
export function optInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function condition(status: Dict, type: string): Dict | undefined {
  return list(status.conditions).find((c) => c.type === type);
}

/** `prefix .. value` as Lua does it: a missing value is an error there, so it is one here. */
export function luaConcat(prefix: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return `${prefix}${value}`;
  throw new Error(`the field after "${prefix.trim()}" is missing`);
}
