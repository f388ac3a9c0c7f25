// kustomize builds that fetch over the network (bootstrap/argocd pulls Argo CD's
// install.yaml) stop after a timeout with an error that names the directory and the host.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderArgoCdInstall } from '../../src/commands/bootstrap/argocd.ts';
import type { BootstrapContext } from '../../src/commands/bootstrap/types.ts';
import { KustomizeError, KustomizeTimeoutError, LOCAL_BUILD_TIMEOUT_MS, REMOTE_BUILD_TIMEOUT_MS, TIMEOUT_ENV, kustomizeBuild } from '../../src/adapters/kustomize.ts';
import { recordingRunner, runProcess, type RecordedCall } from '../../src/adapters/process.ts';
import { ProcessError, UserError } from '../../src/core/errors.ts';
import { tempDir } from '../support/temp.ts';

const INSTALL = 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.4/manifests/install.yaml';
const tool = { command: 'kubectl', prefix: ['kustomize'] };

function kustomization(resources: string[]): string {
  const dir = tempDir('kz-');
  writeFileSync(join(dir, 'kustomization.yaml'), `resources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n`);
  return dir;
}

/** What runProcess does when a program outlives its timeout. */
const timesOut = (call: RecordedCall) => {
  throw new ProcessError(call.command, call.args, null, '', 'SIGTERM', { timedOutAfterMs: call.options.timeoutMs });
};

describe('kustomizeBuild timeouts', () => {
  it('gives a build with remote resources 120 s by default, and says what to check when it runs out', async () => {
    const dir = kustomization(['namespace.yaml', INSTALL]);
    const runner = recordingRunner(timesOut);
    const err = (await kustomizeBuild(dir, runner, tool, { env: {} }).catch((e: unknown) => e)) as KustomizeTimeoutError;
    expect(runner.calls.map((c) => c.options.timeoutMs)).toEqual([REMOTE_BUILD_TIMEOUT_MS]);
    expect(REMOTE_BUILD_TIMEOUT_MS).toBe(120_000);
    expect(err).toBeInstanceOf(KustomizeTimeoutError);
    expect(err).toBeInstanceOf(KustomizeError); // callers that handle kustomize failures handle this too
    expect(err.message).toBe(`kustomize build ${dir} failed: did not finish within 120 s; it fetches ${INSTALL}: check network access to raw.githubusercontent.com (and HTTPS_PROXY)`);
  });

  it('passes an explicit timeout through, and gives a purely local build 60 s', async () => {
    const runner = recordingRunner(() => ({ stdout: 'kind: x\n' }));
    await kustomizeBuild(kustomization([INSTALL]), runner, tool, { timeoutMs: 5_000, env: {} });
    await kustomizeBuild(kustomization(['deployment.yaml']), runner, tool, { env: {} });
    expect(runner.calls.map((c) => c.options.timeoutMs)).toEqual([5_000, LOCAL_BUILD_TIMEOUT_MS]);
    expect(LOCAL_BUILD_TIMEOUT_MS).toBe(60_000);
  });

  it('stops a hung local build, naming the folder and how to allow longer', async () => {
    const dir = kustomization(['deployment.yaml']);
    const hangs = { command: process.execPath, prefix: ['-e', 'setTimeout(() => {}, 20000)'] };
    const started = Date.now();
    const err = (await kustomizeBuild(dir, runProcess, hangs, { timeoutMs: 300 }).catch((e: unknown) => e)) as KustomizeTimeoutError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(KustomizeTimeoutError);
    expect(err.message).toBe(`kustomize build ${dir} failed: did not finish within 300 ms; a local build should take seconds, so something in it is stuck (a generator plugin or exec function that waits, a resource on a hung network mount)`);
    expect(err.fix).toBe(`run \`kubectl kustomize ${dir}\` to watch it; if it is only slow, allow longer with ${TIMEOUT_ENV}=<seconds>`);
  });

  it(`takes every build's timeout from ${TIMEOUT_ENV}, and refuses a value that is not seconds`, async () => {
    const runner = recordingRunner(() => ({ stdout: '' }));
    await kustomizeBuild(kustomization(['deployment.yaml']), runner, tool, { env: { [TIMEOUT_ENV]: '300' } });
    await kustomizeBuild(kustomization([INSTALL]), runner, tool, { env: { [TIMEOUT_ENV]: '300' } });
    expect(runner.calls.map((c) => c.options.timeoutMs)).toEqual([300_000, 300_000]);
    const err = (await kustomizeBuild(kustomization([]), runner, tool, { env: { [TIMEOUT_ENV]: '5m' } }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`${TIMEOUT_ENV} must be a positive number of seconds, not '5m'`);
  });

  it('keeps reporting an ordinary failure with what kustomize said', async () => {
    const runner = recordingRunner(() => ({ code: 1, stderr: 'Error: accumulating resources: 404 Not Found' }));
    const err = await kustomizeBuild(kustomization([INSTALL]), runner, tool).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KustomizeError);
    expect(err).not.toBeInstanceOf(KustomizeTimeoutError);
    expect((err as KustomizeError).detail).toBe('Error: accumulating resources: 404 Not Found');
  });

  it('bootstrap names bootstrap/argocd and the host when the render times out', async () => {
    const root = tempDir('kz-root-');
    mkdirSync(join(root, 'bootstrap', 'argocd'), { recursive: true });
    writeFileSync(join(root, 'bootstrap', 'argocd', 'kustomization.yaml'), `resources:\n  - namespace.yaml\n  - ${INSTALL}\n`);
    const runner = recordingRunner(timesOut);
    const ctx = { deps: { io: { root }, runner }, tools: { kubectl: 'kubectl' }, cluster: { kind: { name: 'soma' } } } as unknown as Pick<BootstrapContext, 'deps' | 'tools' | 'cluster'>;
    const err = (await renderArgoCdInstall(ctx).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/^could not render bootstrap\/argocd: did not finish within 120 s; .*check network access to raw\.githubusercontent\.com/);
    expect(runner.calls[0]!.options.timeoutMs).toBe(120_000);
  });
});

describe('runProcess timeouts', () => {
  it('stops a program that outlives timeoutMs and says it timed out', async () => {
    const err = (await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 300 }).catch((e: unknown) => e)) as ProcessError;
    expect(err).toBeInstanceOf(ProcessError);
    expect(err.timedOutAfterMs).toBe(300);
    expect(err.message).toMatch(/did not finish within 300 ms and was stopped/);
  });

  it('does not call an ordinary failure a timeout', async () => {
    const err = (await runProcess(process.execPath, ['-e', 'process.exit(3)'], { timeoutMs: 10_000 }).catch((e: unknown) => e)) as ProcessError;
    expect([err.exitCode, err.timedOutAfterMs]).toEqual([3, undefined]);
  });
});
