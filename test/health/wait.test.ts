import { describe, expect, it } from 'vitest';
import { renderWaitProgress, waitForApplications } from '../../src/core/health.ts';
import type { KubeObject } from '../../src/core/kube.ts';

const app = (name: string, health: string): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd' },
  status: { sync: { status: 'Synced' }, health: { status: health } },
});

/** A clock that only moves when the loop sleeps. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), slept: () => t };
}

describe('waitForApplications', () => {
  it('polls until every Application is OK, reporting each poll', async () => {
    const c = clock();
    const answers = [[app('a', 'Progressing')], [app('a', 'Progressing')], [app('a', 'Healthy')]];
    const polls: string[] = [];
    const r = await waitForApplications({
      read: async () => answers.shift()!,
      timeoutMs: 60_000,
      intervalMs: 5_000,
      ...c,
      onPoll: (s, ms) => polls.push(renderWaitProgress(s, ms)),
    });
    expect(r).toMatchObject({ ok: true, elapsedMs: 10_000 });
    expect(polls).toEqual([
      '0s: 0/1 applications Synced and Healthy; waiting for a (Synced/Progressing)',
      '5s: 0/1 applications Synced and Healthy; waiting for a (Synced/Progressing)',
      '10s: 1/1 applications Synced and Healthy',
    ]);
  });

  it('gives up at the timeout with the last summaries', async () => {
    const c = clock();
    const r = await waitForApplications({
      read: async () => [app('a', 'Degraded')],
      timeoutMs: 12_000,
      intervalMs: 5_000,
      ...c,
    });
    expect(r.ok).toBe(false);
    expect(r.summaries[0]).toMatchObject({ name: 'a', health: 'Degraded' });
    expect(c.slept()).toBeLessThanOrEqual(12_000);
  });

  it('waits out retryable errors, and throws the others at once', async () => {
    const c = clock();
    let n = 0;
    const retried: unknown[] = [];
    const r = await waitForApplications({
      read: async () => {
        if (n++ < 2) throw new Error('CRDs not served yet');
        return [app('a', 'Healthy')];
      },
      timeoutMs: 60_000,
      intervalMs: 1_000,
      ...c,
      isRetryable: () => true,
      onRetry: (e) => retried.push(e),
    });
    expect(r.ok).toBe(true);
    expect(retried).toHaveLength(2);
    await expect(
      waitForApplications({
        read: async () => Promise.reject(new Error('forbidden')),
        timeoutMs: 1_000,
        intervalMs: 100,
        ...clock(),
      }),
    ).rejects.toThrow('forbidden');
  });

  it('returns the last retryable error when nothing was ever read', async () => {
    const r = await waitForApplications({
      read: async () => Promise.reject(new Error('not installed')),
      timeoutMs: 3_000,
      intervalMs: 1_000,
      ...clock(),
      isRetryable: () => true,
    });
    expect(r.ok).toBe(false);
    expect((r.lastError as Error).message).toBe('not installed');
  });

  it('an empty list is not success', async () => {
    const r = await waitForApplications({ read: async () => [], timeoutMs: 2_000, intervalMs: 1_000, ...clock() });
    expect(r.ok).toBe(false);
    expect(renderWaitProgress([], 1_500)).toBe('2s: no Argo CD Applications yet');
  });
});
