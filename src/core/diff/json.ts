// `--format json`: the report as data, for scripts and CI. Secret values are never in
// it (the engine masks them before any text is made).
import { totals } from './present.ts';
import type { DiffReport } from './types.ts';

export const JSON_SCHEMA_VERSION = 1;

export function renderJson(report: DiffReport): string {
  return `${JSON.stringify({ version: JSON_SCHEMA_VERSION, ...report, totals: totals(report) }, null, 2)}\n`;
}
