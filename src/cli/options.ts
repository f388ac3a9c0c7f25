// One meaning per flag type, for every command: the option table says what a flag holds
// (a duration, a count, one of some words, a file to write) and this module turns the
// text into that value — or a bad-input error naming the flag and the fix — before the
// command starts any work. `--help` prints the same table, defaults included.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import type { OptionSpec, OptionValues } from './types.ts';

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** '900' (seconds), '90s', '15m', '1h', '500ms' → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[(m[2] ?? 's') as keyof typeof UNITS] : NaN;
  if (!(ms > 0))
    throw new UserError(
      `--${flag} '${text}' is not a duration`,
      'write seconds (900) or a number with a unit: 90s, 15m, 1h',
    );
  return ms;
}

/** A whole number within the flag's bounds (at least 1 unless the table says otherwise). */
export function parseCount(text: string, flag: string, spec: Pick<OptionSpec, 'min' | 'max'> = {}): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  const [min, max] = [spec.min ?? 1, spec.max ?? Number.MAX_SAFE_INTEGER];
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UserError(
      `--${flag} '${text}' is not a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}`,
      `e.g. --${flag} ${Math.max(min, 1)}`,
    );
  }
  return n;
}

export function parseChoice(text: string, flag: string, choices: readonly string[]): string {
  if (!choices.includes(text))
    throw new UserError(`--${flag} '${text}' is not one of: ${choices.join(', ')}`, `e.g. --${flag} ${choices[0]}`);
  return text;
}

/**
 * A path the command will write: it must not be a directory (or, for a directory output,
 * must not be a file), and the nearest folder that exists on the way must be writable —
 * checked now, so a long run cannot end in "permission denied".
 */
export function checkOutputPath(text: string, flag: string, cwd: string, kind: 'file' | 'dir'): string {
  const target = resolve(cwd, text);
  const fix = `pass a path you can write to --${flag}`;
  const existing = statOf(target);
  if (existing && kind === 'file' && existing.isDirectory())
    throw new UserError(`--${flag} '${text}' is a directory`, `${fix}, e.g. ${text.replace(/\/?$/, '/report')}`);
  if (existing && kind === 'dir' && !existing.isDirectory())
    throw new UserError(`--${flag} '${text}' is a file, not a folder`, fix);
  let folder = existing?.isDirectory() ? target : dirname(target);
  while (!statOf(folder)) folder = dirname(folder);
  if (!statOf(folder)!.isDirectory())
    throw new UserError(`--${flag} '${text}': ${folder} is a file, not a folder`, fix);
  try {
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw new UserError(`--${flag} '${text}': cannot write in ${folder}`, fix, { cause: e });
  }
  return text;
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function parseOne(text: string, flag: string, spec: OptionSpec, cwd: string): string | number {
  switch (spec.type) {
    case 'duration':
      return parseDuration(text, flag);
    case 'count':
      return parseCount(text, flag, spec);
    case 'choice':
      return parseChoice(text, flag, spec.choices ?? []);
    case 'file':
    case 'dir':
      return checkOutputPath(text, flag, cwd, spec.type);
    default:
      return text;
  }
}

/** The raw values of parseArgs turned into what each flag's type says; bad input throws before any work. */
export function typedValues(options: Record<string, OptionSpec>, raw: OptionValues, cwd: string): OptionValues {
  const out: OptionValues = { ...raw };
  for (const [flag, spec] of Object.entries(options)) {
    const v = raw[flag];
    if (typeof v === 'string') out[flag] = parseOne(v, flag, spec, cwd);
    else if (Array.isArray(v)) out[flag] = v.map((x) => String(parseOne(x, flag, spec, cwd)));
  }
  return out;
}

/** parseArgs knows strings and booleans only; every typed flag is a string on the command line. */
export function parseArgsType(spec: OptionSpec): 'string' | 'boolean' {
  return spec.type === 'boolean' ? 'boolean' : 'string';
}

// Flags several commands share, defined once so they mean the same everywhere.
export const CONTEXT_OPTION: OptionSpec = {
  type: 'string',
  value: '<name>',
  description: 'kubeconfig context (default: the current context)',
};

export function timeoutOption(defaultText: string, description: string): OptionSpec {
  return {
    type: 'duration',
    value: '<duration>',
    default: defaultText,
    description: `${description} (900, 90s, 15m, 1h)`,
  };
}
