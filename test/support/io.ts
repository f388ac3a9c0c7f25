// The Io every command test runs against: output captured as strings, nothing interactive.
import type { Io } from '../../src/cli/types.ts';

export interface CapturedIo extends Io {
  out: string;
  err: string;
}

export function captureIo(opts: { root: string; cwd?: string; env?: Record<string, string | undefined> }): CapturedIo {
  const io: CapturedIo = {
    root: opts.root,
    cwd: opts.cwd ?? opts.root,
    env: opts.env ?? {},
    interactive: false,
    out: '',
    err: '',
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
  };
  return io;
}
