// `npm run health -- <file…>`: the health Argo CD's rules give every object in the given
// YAML/JSON files (e.g. `kubectl get deploy,sts -o yaml` output), offline.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, type Problem, UserError } from '../../core/errors.ts';
import { assessHealth, hasHealthCheck, type HealthAssessment } from '../../core/health.ts';
import { type InputNote, readHealthInput } from '../../core/health/input.ts';
import { objectRef } from '../../core/kube.ts';
import type { Deps } from '../../cli/deps.ts';

interface Row extends HealthAssessment {
  file: string;
  object: string;
  apiVersion: string;
  builtin: boolean;
}

export interface HealthOptions {
  files: string[];
  json: boolean;
}

/** Returns 0 when every object with a check is Healthy, else 1. */
export async function runHealth(options: HealthOptions, { io }: Deps): Promise<number> {
  if (!options.files.length) throw new UserError('no files given', 'e.g. npm run health -- live.yaml');
  const problems: Problem[] = [];
  const rows: Row[] = [];
  const notes: { skipped: InputNote[]; warnings: InputNote[] } = { skipped: [], warnings: [] };
  for (const file of options.files) {
    const text = await readFile(resolve(io.cwd, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
      problems.push({ file, path: '', message: e.code === 'ENOENT' ? 'no such file' : e.message });
      return undefined;
    });
    if (text === undefined) continue;
    const input = readHealthInput(file, text);
    problems.push(...input.problems);
    notes.skipped.push(...input.skipped);
    notes.warnings.push(...input.warnings);
    for (const o of input.objects) {
      rows.push({
        file,
        object: objectRef(o),
        apiVersion: o.apiVersion,
        builtin: hasHealthCheck(o),
        ...assessHealth(o),
      });
    }
  }
  // Like Argo CD, judge what can be judged; say what was left out or read with a warning.
  for (const n of notes.warnings) io.stderr(`warning: ${n.file} ${n.where}: ${n.message}\n`);
  for (const n of notes.skipped) io.stderr(`skipped: ${n.file} ${n.where}: ${n.message}\n`);
  if (problems.length)
    throw new ConfigError(
      `cannot read the input (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
      problems,
    );
  if (options.json)
    io.stdout(`${JSON.stringify({ objects: rows, skipped: notes.skipped, warnings: notes.warnings }, null, 2)}\n`);
  else {
    const width = Math.max(0, ...rows.map((r) => r.object.length));
    for (const r of rows) io.stdout(`${r.object.padEnd(width)}  ${r.status.padEnd(11)}  ${r.message}`.trimEnd() + '\n');
    io.stdout(`${summary(rows)}\n`);
  }
  return rows.every((r) => r.status === 'Healthy' || !r.builtin) ? 0 : 1;
}

function summary(rows: readonly Row[]): string {
  const bad = rows.filter((r) => r.builtin && r.status !== 'Healthy').length;
  const unchecked = rows.filter((r) => !r.builtin).length;
  return `${rows.length} objects, ${bad ? `${bad} not Healthy` : unchecked ? 'every checked one Healthy' : 'all Healthy'}${unchecked ? `, ${unchecked} without a health check` : ''}`;
}
