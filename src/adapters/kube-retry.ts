// How the Kubernetes client waits out transient failures (connection refused, 429, 5xx):
// the policy, what a person is told before each retry, and the default sleep.
import type { KubeApiError } from './kube-errors.ts';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up retrying a transient failure after this long (the API server may still be starting). */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 8_000, budgetMs: 90_000 };

/** One retry about to happen: what failed, which attempt it was, and how long retrying may go on. */
export interface RetryNotice {
  attempt: number;
  what: string;
  error: KubeApiError;
  delayMs: number;
  /** Of the retry budget, after this delay. */
  remainingMs: number;
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

/** The retry line a person sees: attempt, what failed, when the next try is, when it gives up. */
export function describeRetry(n: RetryNotice): string {
  return `retrying (attempt ${n.attempt} failed): ${n.error.message.split('\n')[0]}; next try in ${n.delayMs < 1000 ? `${n.delayMs} ms` : seconds(n.delayMs)}, giving up in ${seconds(n.remainingMs)}`;
}

export const printRetry = (n: RetryNotice) => void process.stderr.write(`${describeRetry(n)}\n`);
