// The one option table every command declares its flags with. A flag kind (duration,
// count, choice, output path…) parses the same way in every command, its default is
// written once here and shown by --help from the same place, and every check runs
// before the command does any work: a command's run receives typed, checked values.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';

/** What parsing a flag may need to know about where it runs. */
export interface ParseContext {
  /** Where relative paths the user typed are resolved from. */
  cwd: string;
}

type Raw = string | boolean | string[] | undefined;

export interface OptionDef<T> {
  /** How node:util parseArgs reads it. */
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help for string options, e.g. '<name>'. */
  value?: string;
  description: string;
  /** The default as the user would type it: shown by --help and parsed like typed input. */
  default?: string;
  parse(raw: Raw, flag: string, ctx: ParseContext): T;
}

export type OptionTable = Record<string, OptionDef<unknown>>;

/** 'dry-run' → 'dryRun': the name a flag has in typed options. */
export type CamelCase<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<CamelCase<B>>}` : S;

/** The typed options a table parses into, keyed by camel-cased flag name. */
export type OptionsOf<T extends OptionTable> = {
  [K in keyof T & string as CamelCase<K>]: T[K] extends OptionDef<infer V> ? V : never;
};

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses every flag of `table` from parseArgs values, defaults included; throws the first bad one. */
export function parseOptionValues<T extends OptionTable>(
  table: T,
  values: Record<string, Raw>,
  ctx: ParseContext,
): OptionsOf<T> {
  const out: Record<string, unknown> = {};
  for (const [flag, def] of Object.entries(table))
    out[camelCase(flag)] = def.parse(values[flag] ?? def.default, flag, ctx);
  return out as OptionsOf<T>;
}

const seeHelp = (flag: string) => `see --help for what --${flag} takes`;

/** A switch: present or not. */
export function flag(description: string, opts: { short?: string } = {}): OptionDef<boolean> {
  return { type: 'boolean', description, ...opts, parse: (raw) => raw === true };
}

interface TextOpts {
  short?: string;
}

/** A free string; `required` makes a missing one an input error carrying `fix`. */
export function text(value: string, description: string, opts: TextOpts & { default: string }): OptionDef<string>;
export function text(
  value: string,
  description: string,
  opts: TextOpts & { required: { fix: string } },
): OptionDef<string>;
export function text(value: string, description: string, opts?: TextOpts): OptionDef<string | undefined>;
export function text(
  value: string,
  description: string,
  opts: TextOpts & { default?: string; required?: { fix: string } } = {},
): OptionDef<string | undefined> {
  const { required, ...rest } = opts;
  return {
    type: 'string',
    value,
    description: required ? `${description} (required)` : description,
    ...rest,
    parse: (raw, name) => {
      if (typeof raw === 'string') return raw;
      if (required) throw new UserError(`--${name} is required`, required.fix);
      return undefined;
    },
  };
}

/** A string that may be given several times. */
export function texts(value: string, description: string): OptionDef<string[]> {
  return {
    type: 'string',
    multiple: true,
    value,
    description,
    parse: (raw) => (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []),
  };
}

/** Words from a fixed set, each flag repeatable: every unknown one is named at once. */
export function choices<const V extends string>(
  values: readonly V[],
  value: string,
  description: string,
): OptionDef<V[]> {
  return {
    type: 'string',
    multiple: true,
    value,
    description: `${description} (${values.join(', ')})`,
    parse: (raw, name) => {
      const given = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
      const unknown = given.filter((v) => !(values as readonly string[]).includes(v));
      if (unknown.length)
        throw new UserError(`unknown --${name} value(s): ${unknown.join(', ')}`, `one of: ${values.join(', ')}`);
      return given as V[];
    },
  };
}

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** '900' (seconds), '90s', '15m', '1h', '500ms' → milliseconds; anything else is an input error. */
export function parseDuration(textValue: string, flagName: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(textValue.trim());
  const ms = m ? Number(m[1]) * UNITS[(m[2] ?? 's') as keyof typeof UNITS] : NaN;
  if (!(ms > 0))
    throw new UserError(
      `--${flagName} '${textValue}' is not a positive duration`,
      'write seconds (900) or a number with a unit: 90s, 15m, 1h',
    );
  return ms;
}

/** A duration, parsed to milliseconds (see parseDuration). */
export function duration(description: string, opts: { default: string }): OptionDef<number>;
export function duration(description: string, opts?: { default?: undefined }): OptionDef<number | undefined>;
export function duration(description: string, opts: { default?: string } = {}): OptionDef<number | undefined> {
  return {
    type: 'string',
    value: '<duration>',
    description,
    ...opts,
    parse: (raw, name) => (typeof raw === 'string' ? parseDuration(raw, name) : undefined),
  };
}

/** A whole number in [min, max]; min defaults to 1 (a count). */
export function integer(
  value: string,
  description: string,
  opts: { min?: number; max?: number; default: string; short?: string },
): OptionDef<number>;
export function integer(
  value: string,
  description: string,
  opts?: { min?: number; max?: number; short?: string },
): OptionDef<number | undefined>;
export function integer(
  value: string,
  description: string,
  opts: { min?: number; max?: number; default?: string; short?: string } = {},
): OptionDef<number | undefined> {
  const { min = 1, max, ...rest } = opts;
  return {
    type: 'string',
    value,
    description,
    ...rest,
    parse: (raw, name) => {
      if (typeof raw !== 'string') return undefined;
      const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
        const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
        throw new UserError(`--${name} must be a whole number ${range}, not '${raw}'`, seeHelp(name));
      }
      return n;
    },
  };
}

/** One of a fixed set of words. */
export function choice<const V extends string>(
  values: readonly V[],
  description: string,
  opts: { default: V },
): OptionDef<V>;
export function choice<const V extends string>(
  values: readonly V[],
  description: string,
  opts?: { default?: undefined },
): OptionDef<V | undefined>;
export function choice<const V extends string>(
  values: readonly V[],
  description: string,
  opts: { default?: V } = {},
): OptionDef<V | undefined> {
  return {
    type: 'string',
    value: values.join('|'),
    description,
    ...opts,
    parse: (raw, name) => {
      if (typeof raw !== 'string') return undefined;
      if (!(values as readonly string[]).includes(raw))
        throw new UserError(`unknown --${name} '${raw}'`, `one of: ${values.join(', ')}`);
      return raw as V;
    },
  };
}

/**
 * A file or folder the command will write, resolved from the working directory and checked
 * before any work: it must not be the other kind of thing, and the nearest existing folder
 * on its way (where missing folders will be created) must be a writable folder.
 */
export function outputPath(
  value: string,
  description: string,
  opts: { directory?: boolean } = {},
): OptionDef<string | undefined> {
  return {
    type: 'string',
    value,
    description,
    parse: (raw, name, ctx) =>
      typeof raw === 'string' ? checkWritable(resolve(ctx.cwd, raw), raw, name, opts.directory ?? false) : undefined,
  };
}

function checkWritable(target: string, typed: string, name: string, directory: boolean): string {
  const fail = (why: string, fix: string) => new UserError(`cannot write --${name} ${typed}: ${why}`, fix);
  const stat = statOrUndefined(target);
  if (stat && stat.isDirectory() !== directory) {
    throw fail(
      directory ? 'it is a file, not a folder' : 'it is a folder',
      directory
        ? `pass a folder to --${name}`
        : `pass a file path to --${name}, e.g. ${typed.replace(/\/?$/, '/report')}`,
    );
  }
  let dir = stat && directory ? target : dirname(target);
  let dirStat = statOrUndefined(dir);
  while (!dirStat && dirname(dir) !== dir) dirStat = statOrUndefined((dir = dirname(dir)));
  if (!dirStat?.isDirectory()) throw fail(`${dir} is not a folder`, `pass a path under a folder to --${name}`);
  // An existing file is overwritten; anything else is created in (or under) `dir`.
  const written = stat && !directory ? target : dir;
  try {
    accessSync(written, constants.W_OK);
  } catch {
    throw fail(`${written} is not writable`, `pass a writable path to --${name}, or fix its permissions`);
  }
  return target;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Shared declarations of flags several commands take, so they read alike everywhere. */
export const COMMON = {
  json: (description = 'machine-readable output on stdout') => flag(description),
  context: () => text('<name>', 'kubeconfig context (default: the current context)'),
  cluster: (description = 'cluster under clusters/ (default: the one matching the context)') =>
    text('<name>', description),
  kindCluster: () => text('<name>', 'cluster under clusters/ (must have a kind: section)', { default: 'kind-soma' }),
  hubContext: () =>
    text(
      '<name>',
      "kubeconfig context of the hub whose Argo CD manages the cluster (default: the hub's cluster.yaml context)",
    ),
};
