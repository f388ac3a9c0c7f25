// What a person watching bootstrap sees on stderr: a header per step, a live line for
// what is being waited on (rewritten in place on a terminal; printed as plain lines,
// only when it changes and at most every few seconds, in CI logs), and the result.
import type { Io } from '../../cli/types.ts';

const CLEAR_LINE = '\r\x1b[K';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export class Progress {
  private readonly io: Io;
  private readonly now: () => number;
  private readonly minGapMs: number;
  private readonly heartbeatMs: number;
  private live = '';
  private lastPlain = { key: '', at: -Infinity };

  constructor(io: Io, now: () => number, opts: { minGapMs?: number; heartbeatMs?: number } = {}) {
    this.io = io;
    this.now = now;
    this.minGapMs = opts.minGapMs ?? 5_000;
    this.heartbeatMs = opts.heartbeatMs ?? 30_000;
  }

  step(index: number, total: number, title: string): void {
    this.line(`[${index}/${total}] ${title}`);
  }

  /**
   * The live "waiting for …" line. `key` is what is waited on without the clock: in logs a
   * line is printed when it changes (at most every few seconds) or as a heartbeat.
   */
  update(text: string, key: string = text): void {
    if (this.io.interactive) {
      this.live = text;
      this.io.stderr(`${CLEAR_LINE}      … ${text}`);
      return;
    }
    const t = this.now();
    const since = t - this.lastPlain.at;
    const changed = key !== this.lastPlain.key;
    if ((changed && since >= this.minGapMs) || since >= this.heartbeatMs) {
      this.lastPlain = { key, at: t };
      this.io.stderr(`      … ${text}\n`);
    }
  }

  ok(summary: string, ms: number): void {
    this.line(`      ✓ ${summary} (${formatDuration(ms)})`);
  }

  failed(summary: string, ms: number): void {
    this.line(`      ✗ ${summary} (${formatDuration(ms)})`);
  }

  detail(text: string): void {
    this.line(`        ${text}`);
  }

  warn(text: string): void {
    this.line(`      ! ${text}`);
  }

  line(text: string): void {
    if (this.live) {
      this.io.stderr(CLEAR_LINE);
      this.live = '';
    }
    this.lastPlain = { key: '', at: -Infinity };
    this.io.stderr(`${text}\n`);
  }
}
