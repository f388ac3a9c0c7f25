// Progress of the render stage on stderr: a counter that rewrites one line on a
// terminal, and only a start and an end line otherwise (CI logs stay short).
import type { Io } from '../../cli/types.ts';

export interface Progress {
  start(total: number, concurrency: number): void;
  tick(done: number, what: string): void;
  finish(): void;
}

export function stderrProgress(io: Io, now: () => number = () => performance.now()): Progress {
  let started = 0;
  let total = 0;
  return {
    start(n, concurrency) {
      total = n;
      started = now();
      io.stderr(`rendering ${n} kustomize director${n === 1 ? 'y' : 'ies'} with up to ${concurrency} in parallel…\n`);
    },
    tick(done, what) {
      if (io.interactive) io.stderr(`\r\u001b[2K  [${done}/${total}] ${what}`);
    },
    finish() {
      if (io.interactive) io.stderr('\r\u001b[2K');
      io.stderr(`rendered ${total} in ${((now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}
