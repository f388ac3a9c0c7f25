// Polls until every Argo CD Application is Synced and Healthy, or the time is up. The
// reading, the sleeping and the clock are passed in, so `status --wait` and bootstrap's
// wait share this loop and tests run it without real time.
import type { KubeObject } from '../kube.ts';
import { allApplicationsOk, summarizeApplications } from './applications.ts';
import type { ApplicationSummary } from './types.ts';

export interface WaitOptions {
  /** Reads the Applications; a thrown error ends the wait unless `isRetryable` says otherwise. */
  read: () => Promise<KubeObject[]>;
  timeoutMs: number;
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Called after every poll (for progress lines). */
  onPoll?: (summaries: ApplicationSummary[], elapsedMs: number) => void;
  /** Errors worth waiting out (e.g. Argo CD's CRDs not served yet during bootstrap). */
  isRetryable?: (e: unknown) => boolean;
  onRetry?: (e: unknown, elapsedMs: number) => void;
}

export interface WaitResult {
  ok: boolean;
  summaries: ApplicationSummary[];
  elapsedMs: number;
  /** The last retryable error when the time ran out before any successful read. */
  lastError?: unknown;
}

export async function waitForApplications(o: WaitOptions): Promise<WaitResult> {
  const start = o.now();
  let summaries: ApplicationSummary[] = [];
  let lastError: unknown;
  for (;;) {
    const elapsed = o.now() - start;
    try {
      summaries = summarizeApplications(await o.read());
      lastError = undefined;
      o.onPoll?.(summaries, elapsed);
      if (allApplicationsOk(summaries)) return { ok: true, summaries, elapsedMs: elapsed };
    } catch (e) {
      if (!o.isRetryable?.(e)) throw e;
      lastError = e;
      o.onRetry?.(e, elapsed);
    }
    if (o.now() - start + o.intervalMs > o.timeoutMs) {
      return { ok: false, summaries, elapsedMs: o.now() - start, ...(lastError !== undefined ? { lastError } : {}) };
    }
    await o.sleep(o.intervalMs);
  }
}

/** One progress line: how many are OK and which are not yet. */
export function renderWaitProgress(summaries: readonly ApplicationSummary[], elapsedMs: number): string {
  const notOk = summaries.filter((s) => !s.ok);
  const head = `${Math.round(elapsedMs / 1000)}s: ${summaries.length - notOk.length}/${summaries.length} applications Synced and Healthy`;
  if (!summaries.length) return `${Math.round(elapsedMs / 1000)}s: no Argo CD Applications yet`;
  return notOk.length
    ? `${head}; waiting for ${notOk.map((s) => `${s.name} (${s.sync}/${s.health})`).join(', ')}`
    : head;
}
