// A project command in its own process, the way `npm run <cmd> --` runs it: stderr (the
// progress) still reaches this terminal as it comes, and is kept for failure messages.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  root: string,
  args: readonly string[],
  opts: { timeoutMs?: number; echo?: boolean } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'src', 'cli', 'main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, CI: process.env.CI ?? '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 40 * 60_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (opts.echo ?? true) process.stderr.write(b);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** The last lines of a command's output, for assertion messages. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
}

/** The --json result of a run; when stdout is not JSON, an error showing what the command said instead. */
export function jsonOf(r: CliRun, what: string): any {
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    throw new Error(
      `${what} exited ${r.code} without a JSON result on stdout (${(e as Error).message})\n--- stdout (tail) ---\n${tail(r.stdout)}\n--- stderr (tail) ---\n${tail(r.stderr)}`,
    );
  }
}
