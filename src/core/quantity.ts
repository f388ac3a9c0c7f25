// Kubernetes resource quantities ('500m', '1Gi', '2', '1e3') as numbers, for budgets
// and comparisons. Invalid input is an error naming the value, never a silent zero.
import { UserError } from './errors.ts';

const QUANTITY_FIX = 'write a Kubernetes quantity, e.g. 500m, 2, 512Mi, 1Gi';
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

export function isQuantity(value: unknown): boolean {
  return (typeof value === 'string' && QUANTITY.test(value)) || (typeof value === 'number' && Number.isFinite(value));
}

/** Parses a quantity to a plain number (cores for CPU, bytes for memory). Throws on bad input. */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserError(`'${value}' is not a valid quantity`, QUANTITY_FIX);
    return value;
  }
  const m = QUANTITY.exec(value);
  if (!m) throw new UserError(`'${value}' is not a valid Kubernetes quantity`, QUANTITY_FIX);
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]]!;
  if (m[3]) return n * 10 ** Number(m[3].slice(1));
  return n * DECIMAL[m[4] ?? '']!;
}

export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

export function formatMemory(bytes: number): string {
  if (bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30}Gi`;
  if (bytes % 2 ** 20 === 0) return `${bytes / 2 ** 20}Mi`;
  return `${(bytes / 2 ** 30).toFixed(2)}Gi`;
}
