// The one wrapper through which every external program runs (kind, docker, kubectl,
// kustomize, git). Arguments are passed as an array to spawn with no shell, so no
// value is ever interpolated into a command line. Tests swap the Runner.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ProcessError, ToolNotFoundError } from '../core/errors.ts';
import { KIND_VERSION, MIN_KUBECTL_MINOR } from '../core/versions.ts';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Written to the program's standard input, then closed. */
  input?: string;
  timeoutMs?: number;
  /** Return the result instead of throwing when the program exits non-zero. */
  allowFailure?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** How to install each tool we run, for the error a user sees when it is missing. */
const INSTALL_HINTS: Record<string, string> = {
  kubectl: `install kubectl ${MIN_KUBECTL_MINOR} or newer (https://kubernetes.io/docs/tasks/tools/), or run \`npm run bootstrap -- --install-tools\``,
  kustomize: `install kustomize v5, or kubectl ${MIN_KUBECTL_MINOR}+ which embeds it`,
  kind: `install kind ${KIND_VERSION} (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), or run \`npm run bootstrap -- --install-tools\` to put the pinned ${KIND_VERSION} in .tools/bin`,
  docker: 'install Docker Engine or Docker Desktop and start it',
  git: 'install git',
};

/** The program could not be started because it is not there (not on PATH, or a path that is gone). */
/** The error for a program that cannot be started: not on PATH, or a path that is gone. */
export function programNotFound(command: string): ToolNotFoundError {
  // A path (.tools/bin/kind) that is gone is the same problem as a name not on PATH.
  const message = command.includes('/') ? `'${command}' does not exist` : `'${command}' was not found on PATH`;
  return new ToolNotFoundError(command, message, INSTALL_HINTS[basename(command)] ?? `install ${command}`);
}

export const runProcess: Runner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    // Our own timer rather than spawn's `timeout` option: Node clears that one only on
    // 'exit', which a failed spawn (ENOENT) never emits, so the process sat out the
    // whole timeout after printing its error. This one is cleared on every ending.
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') {
        reject(programNotFound(command));
      } else {
        reject(e);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) {
        reject(
          new ProcessError(
            command,
            args,
            code,
            result.stderr,
            signal,
            timedOut ? { timedOutAfterMs: options.timeoutMs } : {},
          ),
        );
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });

export interface RecordedCall {
  command: string;
  args: string[];
  options: RunOptions;
}

/**
 * A Runner for tests: records every call and answers from the handler, which may
 * return a result (non-zero codes throw like the real runner) or throw itself.
 */
export function recordingRunner(
  handler: (call: RecordedCall) => Partial<RunResult> | Promise<Partial<RunResult>>,
): Runner & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const runner = async (command: string, args: readonly string[], options: RunOptions = {}) => {
    const call = { command, args: [...args], options };
    calls.push(call);
    const r = await handler(call);
    const result = { code: r.code ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    if (result.code !== 0 && !options.allowFailure) throw new ProcessError(command, args, result.code, result.stderr);
    return result;
  };
  return Object.assign(runner, { calls });
}
