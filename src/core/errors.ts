// The handful of typed errors every command uses (house style: changesets errors).
// The CLI turns each into a message and an exit code; nothing else calls process.exit.

/**
 * What went wrong, for the exit code and for whether a stack is worth showing:
 * - `input`: the user gave something wrong (a flag, a file, a context) — exit 2, a fix line;
 * - `config`: a repository input failed validation — exit 2, every problem with its field;
 * - `external`: a program, cluster or API outside us failed — exit 2, what ran and its answer;
 * - `internal`: a broken invariant, the only kind that says "this is a bug" and shows a stack.
 */
export type ErrorKind = 'input' | 'config' | 'external' | 'internal';

export interface ErrorOptions {
  /** What to do about it: printed as `fix:` and carried in `--json` errors. */
  fix?: string;
  /** The error this one explains (kept as `cause` for debugging and chained messages). */
  cause?: unknown;
}

/** The one error base: every error the program means to raise is one of these. */
export abstract class SomastackError extends Error {
  abstract readonly kind: ErrorKind;
  readonly fix: string | undefined;
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.fix = opts.fix;
  }
  /** Kept for the callers written before `fix`: the same text. */
  get hint(): string | undefined {
    return this.fix;
  }
}

/** Something the user can fix: a bad flag, a missing tool, the wrong context. */
export class UserError extends SomastackError {
  override name = 'UserError';
  readonly kind: ErrorKind = 'input';
  constructor(message: string, fix?: string, opts: { cause?: unknown } = {}) {
    super(message, { fix, cause: opts.cause });
  }
}

/** Text that should be YAML and is not (a file, or kustomize's output): the user's file to fix. */
export class InvalidYamlError extends UserError {
  override name = 'InvalidYamlError';
}

/** A program the command needs is not installed (or not on PATH). */
export class ToolNotFoundError extends UserError {
  override name = 'ToolNotFoundError';
  readonly tool: string;
  constructor(tool: string, message: string, fix?: string) {
    super(message, fix);
    this.tool = tool;
  }
}

/** The kubeconfig has no context of the name given (or current). */
export class NoContextError extends UserError {
  override name = 'NoContextError';
}

/**
 * Another error seen from a wider view (e.g. "at revision origin/main"): the same kind and
 * fix, a message that replaces the original's (which stays as `cause`, not printed again).
 */
export class ContextualError extends SomastackError {
  override name = 'ContextualError';
  readonly kind: ErrorKind;
  constructor(message: string, cause: unknown) {
    super(message, { cause, fix: cause instanceof SomastackError ? cause.fix : undefined });
    this.kind = cause instanceof SomastackError ? cause.kind : 'internal';
  }
}

/** Something outside the program failed (a cluster, an API, a network): not the user's typo, not our bug. */
export class ExternalError extends SomastackError {
  override name = 'ExternalError';
  readonly kind: ErrorKind = 'external';
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
export class ConfigError extends SomastackError {
  override name = 'ConfigError';
  readonly kind: ErrorKind = 'config';
  readonly problems: Problem[];
  constructor(summary: string, problems: Problem[]) {
    super(`${summary}\n${formatProblems(problems)}`);
    this.problems = problems;
  }
}

/** An external program that failed: what ran, how it ended, and the end of what it said. */
export class ProcessError extends SomastackError {
  override name = 'ProcessError';
  readonly kind: ErrorKind = 'external';
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  /** Set when the program was killed because it ran past its timeout. */
  readonly timedOutAfterMs: number | undefined;
  constructor(
    command: string,
    args: readonly string[],
    exitCode: number | null,
    stderr: string,
    signal?: string | null,
    opts: { timedOutAfterMs?: number } = {},
  ) {
    const how =
      opts.timedOutAfterMs !== undefined
        ? `did not finish within ${opts.timedOutAfterMs < 1000 ? `${opts.timedOutAfterMs} ms` : `${Math.round(opts.timedOutAfterMs / 1000)} s`} and was stopped`
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${exitCode}`;
    super(
      `${[command, ...args].map(quoteForDisplay).join(' ')} ${how}${stderr.trim() ? `:\n${tail(stderr, 20)}` : ''}`,
    );
    this.command = command;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.timedOutAfterMs = opts.timedOutAfterMs;
  }
}

/** A broken invariant: this is a bug in somastack, not in the user's input. */
export class InternalError extends SomastackError {
  override name = 'InternalError';
  readonly kind: ErrorKind = 'internal';
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(`internal error (this is a bug in somastack, please report it): ${message}`, opts);
  }
}

/**
 * The message a person sees for an error: `error: <context: >message`, the chain of causes
 * that add something, and the fix when there is one. Only an internal error, or an error that
 * is not ours at all, is called a bug and shows its stack.
 */
export function describeError(e: unknown, context?: string): string {
  const what = (message: string) => `error: ${context ? `${context}: ` : ''}${message}\n`;
  if (e instanceof SomastackError) {
    const causes = causeChain(e)
      .map((m) => `  because: ${m}\n`)
      .join('');
    const fix = e.fix ? `  fix: ${e.fix}\n` : '';
    return e.kind === 'internal'
      ? `${what(e.message)}${causes}${e.stack ?? ''}\n`
      : `${what(e.message)}${causes}${fix}`;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return `${what(err.message)}(unexpected error; this is a bug in somastack, please report it)\n${err.stack ?? ''}\n`;
}

/** True for an error the program raised on purpose (anything but a bug): callers report it and go on. */
export function isExpectedError(e: unknown): e is SomastackError {
  return e instanceof SomastackError && e.kind !== 'internal';
}

/** The kind of any thrown value: ours say, anything else is a bug. */
export function errorKind(e: unknown): ErrorKind {
  return e instanceof SomastackError ? e.kind : 'internal';
}

/** A thrown value as data, for `--json` output: no stack, no values beyond the message. */
export function errorJson(e: unknown): {
  error: { kind: ErrorKind; message: string; fix?: string; causes?: string[] };
} {
  const err = e instanceof Error ? e : new Error(String(e));
  const fix = e instanceof SomastackError ? e.fix : undefined;
  const causes = causeChain(err);
  return {
    error: { kind: errorKind(e), message: err.message, ...(fix ? { fix } : {}), ...(causes.length ? { causes } : {}) },
  };
}

/** Messages of the `cause` chain that the message above them does not already contain. */
function causeChain(e: Error): string[] {
  const out: string[] = [];
  let shown = e.message;
  // A contextual error restates its cause: the chain goes on from the cause's cause.
  let c: unknown = e instanceof ContextualError && e.cause instanceof Error ? e.cause.cause : e.cause;
  for (let depth = 0; c !== undefined && depth < 5; depth++) {
    const message = c instanceof Error ? c.message : String(c);
    if (message && !shown.includes(message)) out.push(message.split('\n')[0]!);
    shown += message;
    c = c instanceof Error ? c.cause : undefined;
  }
  return out;
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
