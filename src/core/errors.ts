// The handful of typed errors every command uses (house style: changesets errors).
// The CLI turns each into a message and an exit code; nothing else calls process.exit.

/** Something the user can fix: a bad flag, a missing tool, the wrong context. */
export class UserError extends Error {
  override name = 'UserError';
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

export interface Problem {
  /** The file the problem is in, relative to the repository root where possible. */
  file: string;
  /** A JSON pointer ('/spec/replicas') or dotted path into that file; '' for the whole file. */
  path: string;
  message: string;
  hint?: string;
}

/** Input that failed validation: every problem, with file and field, all at once. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: Problem[];
  constructor(summary: string, problems: Problem[]) {
    super(`${summary}\n${formatProblems(problems)}`);
    this.problems = problems;
  }
}

/** An external program that failed: what ran, how it ended, and the end of what it said. */
export class ProcessError extends Error {
  override name = 'ProcessError';
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  /** Set when the program was killed because it ran past its timeout. */
  readonly timedOutAfterMs: number | undefined;
  constructor(command: string, args: readonly string[], exitCode: number | null, stderr: string, signal?: string | null, opts: { timedOutAfterMs?: number } = {}) {
    const how = opts.timedOutAfterMs !== undefined ? `did not finish within ${opts.timedOutAfterMs < 1000 ? `${opts.timedOutAfterMs} ms` : `${Math.round(opts.timedOutAfterMs / 1000)} s`} and was stopped` : signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(`${[command, ...args].map(quoteForDisplay).join(' ')} ${how}${stderr.trim() ? `:\n${tail(stderr, 20)}` : ''}`);
    this.command = command;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.timedOutAfterMs = opts.timedOutAfterMs;
  }
}

/** A broken invariant: this is a bug in somastack, not in the user's input. */
export class InternalError extends Error {
  override name = 'InternalError';
  constructor(message: string) {
    super(`internal error (this is a bug in somastack, please report it): ${message}`);
  }
}

/**
 * The message a person sees for an error: `error: <context: >message` and the fix when
 * there is one. Errors that are not ours are marked as a possible bug, with the stack.
 */
export function describeError(e: unknown, context?: string): string {
  const what = (message: string) => `error: ${context ? `${context}: ` : ''}${message}\n`;
  if (e instanceof UserError) return `${what(e.message)}${e.hint ? `  fix: ${e.hint}\n` : ''}`;
  if (e instanceof ConfigError || e instanceof ProcessError || e instanceof InternalError) return what(e.message);
  const err = e instanceof Error ? e : new Error(String(e));
  return `${what(err.message)}(unexpected error; this may be a bug in somastack)\n${err.stack ?? ''}\n`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `  ${p.file}${p.path ? ` ${p.path}` : ''}: ${p.message}${p.hint ? `\n    fix: ${p.hint}` : ''}`)
    .join('\n');
}

/** Shows an argument the way a shell user would have to type it (display only; nothing is run through a shell). */
export function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
