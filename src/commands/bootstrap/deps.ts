// The real dependencies of bootstrap: the process wrapper, client-node against the
// Kind context, the pinned tool installer, the clock and crypto randomness.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Io } from '../../cli/types.ts';
import { connectKind } from '../../adapters/kube.ts';
import { runProcess } from '../../adapters/process.ts';
import { installTool } from '../../adapters/tools.ts';
import type { BootstrapDeps } from './types.ts';

/** True when nothing listens on host:port (we could bind it ourselves). */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'EADDRINUSE' && e.code !== 'EACCES'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function defaultDeps(io: Io): BootstrapDeps {
  return {
    io,
    runner: runProcess,
    connect: (kindName) => connectKind(io.env, kindName),
    installTool: (name) => installTool(name, { root: io.root }),
    portFree,
    nodeVersion: process.versions.node,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    pollMs: 2_000,
    randomBytes: (size) => randomBytes(size),
  };
}
