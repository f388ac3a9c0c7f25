import type { Deps } from './deps.ts';

// The shape every command module exports. The CLI parses argv against `options`,
// prints `--help` from the same table, and maps thrown errors to exit codes.

/**
 * What a flag holds. `duration`: milliseconds from 900 / 90s / 15m / 1h; `count`: a whole
 * number (min..max); `choice`: one of `choices`; `file`/`dir`: a path the command writes,
 * checked writable before any work (src/cli/options.ts).
 */
export type OptionType = 'string' | 'boolean' | 'duration' | 'count' | 'choice' | 'file' | 'dir';

export interface OptionSpec {
  type: OptionType;
  choices?: readonly string[];
  min?: number;
  max?: number;
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Placeholder shown in help for string options, e.g. '<name>'. */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

export interface Io {
  /** The repository root: where cluster.yaml files, generated trees and package.json live. */
  root: string;
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when stdout is a terminal a person watches (progress and colour allowed). */
  interactive: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Asks a yes/no question on an interactive terminal; false when not interactive. */
  confirm?(question: string): Promise<boolean>;
}

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  io: Io;
  /** How the command reaches processes and time (src/cli/deps.ts); main() always sets it. */
  deps: Deps;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line after `npm run <name> --`, e.g. '[--check]'. */
  usage: string;
  /** Longer help: what it does, exit codes, examples. */
  description: string;
  options: Record<string, OptionSpec>;
  /** Whether free arguments (files) are accepted. */
  positionals?: boolean;
  /** Returns the exit code: 0 ok, 1 findings/changes/not healthy, 2 could not run. */
  run(ctx: CommandContext): Promise<number>;
}

/** Reads a string option, or undefined. */
export function str(values: OptionValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a duration (milliseconds) or count option, or undefined. */
export function num(values: OptionValues, key: string): number | undefined {
  const v = values[key];
  return typeof v === 'number' ? v : undefined;
}

export function bool(values: OptionValues, key: string): boolean {
  return values[key] === true;
}

export function list(values: OptionValues, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
