// The shape every command module exports. The CLI parses argv against `options` (the
// shared option table, options.ts), prints `--help` from the same table, hands `run` the
// typed options and the dependencies (deps.ts), and maps thrown errors to exit codes.
import type { Deps } from './deps.ts';
import type { OptionsOf, OptionTable } from './options.ts';

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

/** What `run` receives: every flag typed and checked, plus free arguments when the command takes them. */
export type ParsedOptions<T extends OptionTable> = OptionsOf<T> & { positionals: string[] };

export interface Command<T extends OptionTable = OptionTable> {
  name: string;
  summary: string;
  /** Usage line after `npm run <name> --`, e.g. '[--check]'. */
  usage: string;
  /** Longer help: what it does, exit codes, examples. */
  description: string;
  options: T;
  /** Whether free arguments (files) are accepted. */
  positionals?: boolean;
  /**
   * Returns the exit code: 0 ok, 1 findings/changes/not healthy, 2 could not run. A command
   * module keeps this a thin, lazy call of its `run<Verb>(options, deps)` so that --help
   * loads none of the command's dependencies.
   */
  run(options: ParsedOptions<T>, deps: Deps): Promise<number>;
}

/** Declares a command with its option types inferred from its table. */
export function defineCommand<T extends OptionTable>(command: Command<T>): Command<T> {
  return command;
}
