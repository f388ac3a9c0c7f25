// Helpers for the tests that run a real server binary: free loopback ports, processes
// killed after each test, and polling until the server answers.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether `cmd args` runs and exits 0 (the binary is installed). */
export function installed(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const running: ChildProcess[] = [];

/** Starts a server; `stopAll` (in afterEach) kills it. Its stderr is kept for failure messages. */
export function startServer(
  cmd: string,
  args: string[],
  options: SpawnOptions = {},
): { child: ChildProcess; log: () => string } {
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  running.push(child);
  return { child, log: () => log };
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    running.splice(0).map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        }),
    ),
  );
}

/** Polls `ready` every 100 ms until it returns true; throws with `what` and the log after `ms`. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean> | boolean,
  log: () => string,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (
      await Promise.resolve()
        .then(ready)
        .catch(() => false)
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${ms} ms; its log ends:\n${log()}`);
}
