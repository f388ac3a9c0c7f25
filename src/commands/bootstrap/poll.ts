// The one waiting loop every step uses: poll, show what is still pending on the live
// line, stop when done, and on timeout fail with every pending item and why.
import { formatDuration } from './progress.ts';
import { NotHealthyError, type BootstrapContext } from './types.ts';

export interface PollState {
  done: boolean;
  /** One line per thing still waited on: name and reason. */
  pending: string[];
}

export interface PollOptions {
  what: string;
  timeoutMs: number;
  check: () => Promise<PollState>;
  /** What to run to look closer when the wait times out. */
  hint?: string;
  /** Extra detail to collect only on timeout (e.g. pod states). */
  diagnose?: () => Promise<string[]>;
}

export async function pollUntil(ctx: BootstrapContext, opts: PollOptions): Promise<void> {
  const { deps, progress } = ctx;
  const start = deps.now();
  for (;;) {
    const state = await opts.check();
    if (state.done) return;
    const elapsed = deps.now() - start;
    if (elapsed >= opts.timeoutMs) {
      const extra = opts.diagnose ? await opts.diagnose().catch(() => []) : [];
      throw new NotHealthyError(`timed out after ${formatDuration(elapsed)} waiting for ${opts.what}; not ready:`, [...state.pending, ...extra], opts.hint);
    }
    const first = state.pending[0] ?? '';
    const more = state.pending.length > 1 ? ` (+${state.pending.length - 1} more)` : '';
    progress.update(`${formatDuration(elapsed)} waiting for ${opts.what}: ${first}${more}`, state.pending.join('\n'));
    await deps.sleep(deps.pollMs);
  }
}

/** Keeps the live line ticking (elapsed time) while one long call runs, e.g. `kind create cluster`. */
export async function withTicker<T>(ctx: BootstrapContext, text: string, work: Promise<T>): Promise<T> {
  const start = ctx.deps.now();
  const tick = () => ctx.progress.update(`${formatDuration(ctx.deps.now() - start)} ${text}`, text);
  tick();
  const timer = setInterval(tick, 1_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
