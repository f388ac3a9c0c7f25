// The process wrapper ends as soon as the program does — including a program that never
// started (kind or docker missing), which used to leave spawn's timer holding the event
// loop for the whole timeout after the error was printed.
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/adapters/process.ts';
import { ProcessError, UserError } from '../../src/core/errors.ts';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('runProcess on a program that is not installed', () => {
  it('rejects at once with an install hint, and leaves no timer behind', async () => {
    const before = timers();
    const started = Date.now();
    const err = await runProcess('kind-not-installed-xyz', ['create', 'cluster'], { timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe("'kind-not-installed-xyz' was not found on PATH");
    expect(timers()).toBe(before);
  });

  it('names the pinned install for a known tool', async () => {
    const err = (await runProcess('kind', ['version'], { env: { PATH: '/nonexistent' }, timeoutMs: 30_000 }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.fix).toMatch(/install kind/);
  });

  it('clears its timer when a program finishes before the timeout', async () => {
    const before = timers();
    await runProcess(process.execPath, ['-e', ''], { timeoutMs: 30_000 });
    // At most as many: a timer of the test runner's own may end meanwhile on a loaded machine.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('still stops a program that outlives the timeout', async () => {
    const err = (await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 }).catch((e: unknown) => e)) as ProcessError;
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.timedOutAfterMs).toBe(200);
  });
});
