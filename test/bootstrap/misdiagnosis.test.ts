// Messages that used to name the wrong problem: a kubeconfig that does not exist reported as
// "no current context", a context whose cluster entry is missing reported as "no context",
// and kind not installed reported as "check Docker".
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectLive } from '../../src/adapters/kube-live.ts';
import { describeKubeconfig, loadContext } from '../../src/adapters/kubeconfig.ts';
import { runProcess } from '../../src/adapters/process.ts';
import { ToolNotFoundError } from '../../src/core/errors.ts';
import { defaultDeps } from '../../src/cli/deps.ts';
import { runTeardown } from '../../src/commands/teardown/run.ts';
import { KIND_VERSION } from '../../src/core/versions.ts';
import { captureIo, fakeMachine, makeRepo } from './harness.ts';
import { tempDir } from '../support/temp.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir('misdiagnosis-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(body: object): string {
  const file = join(dir, 'config');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Config', ...body }));
  return file;
}

describe('kubeconfig messages', () => {
  it('a kubeconfig that does not exist is said to be missing, with where it was looked for', () => {
    const env = { HOME: dir };
    expect(describeKubeconfig(env)).toBe(`${join(dir, '.kube', 'config')} (KUBECONFIG is not set), which does not exist`);
    expect(() => connectLive(env)).toThrow(/^no kubeconfig: .*\.kube\/config \(KUBECONFIG is not set\), which does not exist$/);
  });

  it('a kubeconfig without a current context says so and names KUBECONFIG', () => {
    const file = kubeconfig({ clusters: [], users: [], contexts: [] });
    expect(() => connectLive({ KUBECONFIG: file, HOME: dir })).toThrow(`no current context in ${file} (KUBECONFIG=${file})`);
  });

  it('a context whose cluster entry is missing is not reported as a missing context', () => {
    const file = kubeconfig({
      'current-context': 'kind-soma',
      clusters: [],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'kind-soma', context: { cluster: 'kind-gone', user: 'u' } }],
    });
    expect(() => loadContext({ KUBECONFIG: file }, 'kind-soma')).toThrow(/context 'kind-soma' names cluster 'kind-gone', but no cluster entry 'kind-gone' exists/);
    expect(loadContext({ KUBECONFIG: file }, 'other')).toBeUndefined();
  });
});

describe('a program that is not there', () => {
  it('a pinned path that is gone says it does not exist, with the install hint of that tool', async () => {
    const err = (await runProcess(join(dir, '.tools', 'bin', 'kind'), ['version']).catch((e: unknown) => e)) as ToolNotFoundError;
    expect(err).toBeInstanceOf(ToolNotFoundError);
    expect(err.message).toBe(`'${join(dir, '.tools', 'bin', 'kind')}' does not exist`);
    expect(err.fix).toContain(`install kind ${KIND_VERSION}`);
  });
});

describe('teardown', () => {
  function setup(machine: ReturnType<typeof fakeMachine>) {
    const root = makeRepo();
    const io = captureIo(root, { KUBECONFIG: join(root, 'no-kubeconfig'), HOME: root });
    return () => runTeardown({ cluster: 'kind-soma', yes: true, json: false, timeoutMs: 60_000 }, { ...defaultDeps(io), runner: machine });
  }

  it('with kind not installed says so, not "check Docker"', async () => {
    const err = (await setup(fakeMachine({ kind: 'missing' }))().catch((e: unknown) => e)) as ToolNotFoundError;
    expect(err).toBeInstanceOf(ToolNotFoundError);
    expect(err.message).toBe("'kind' was not found on PATH");
    expect(err.fix).not.toMatch(/Docker/);
  });

  it('with kind installed but unable to list clusters points at Docker', async () => {
    await expect(setup(fakeMachine({ failing: { prefix: 'kind get clusters', message: 'Cannot connect to the Docker daemon' } }))()).rejects.toMatchObject({
      message: 'cannot list Kind clusters (`kind get clusters` failed)',
      fix: 'check that Docker is running (`docker info`)',
    });
  });
});
