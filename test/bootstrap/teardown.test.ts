import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDeps } from '../../src/cli/deps.ts';
import { runTeardown } from '../../src/commands/teardown/run.ts';
import { captureIo, fakeMachine, makeRepo } from './harness.ts';
import { tempDir } from '../support/temp.ts';

function setup(o: { clusters?: string[]; interactive?: boolean; answer?: boolean; kubeconfig?: string } = {}) {
  const root = makeRepo();
  const io = captureIo(root, { KUBECONFIG: o.kubeconfig ?? join(root, 'no-kubeconfig'), HOME: root }, { interactive: o.interactive, answer: o.answer });
  const machine = fakeMachine({ clusters: o.clusters ?? ['soma'] });
  const run = (flags: { cluster?: string; yes?: boolean; json?: boolean } = {}) =>
    runTeardown({ cluster: 'kind-soma', yes: false, json: false, timeoutMs: 60_000, ...flags }, { ...defaultDeps(io), runner: machine });
  return { io, machine, run };
}

describe('npm run teardown', () => {
  it('deletes the Kind cluster with --yes and nothing else', async () => {
    const { io, machine, run } = setup();
    expect(await run({ yes: true })).toBe(0);
    expect(machine.lines()).toEqual(['kind get clusters', 'kind delete cluster --name soma']);
    expect(io.out.join('')).toBe("Deleted Kind cluster 'soma' and its context kind-soma.\n");
  });

  it('asks on a terminal, and does nothing when the answer is no', async () => {
    const { io, machine, run } = setup({ interactive: true, answer: false });
    expect(await run()).toBe(1);
    expect(machine.lines()).not.toContain('kind delete cluster --name soma');
    expect(io.err.join('')).toContain('Aborted: nothing was deleted.');
  });

  it('deletes after a yes on a terminal', async () => {
    const { machine, run } = setup({ interactive: true, answer: true });
    expect(await run()).toBe(0);
    expect(machine.lines()).toContain('kind delete cluster --name soma');
  });

  it('refuses without --yes when nobody can be asked (CI)', async () => {
    const { machine, run } = setup();
    await expect(run()).rejects.toThrow(/refusing to delete Kind cluster 'soma' without confirmation/);
    expect(machine.lines()).not.toContain('kind delete cluster --name soma');
  });

  it('says there is nothing to delete when the cluster does not exist', async () => {
    const { io, machine, run } = setup({ clusters: ['other'] });
    expect(await run({ yes: true, json: true })).toBe(0);
    expect(JSON.parse(io.out.join(''))).toEqual({ cluster: 'kind-soma', kindCluster: 'soma', context: 'kind-soma', deleted: false });
    expect(machine.lines()).toEqual(['kind get clusters']);
  });

  it('never runs kind for a cluster that is not Kind (and needs its context first)', async () => {
    const { machine, run } = setup();
    await expect(run({ cluster: 'prod', yes: true })).rejects.toThrow(/no kubeconfig context for cluster 'prod'/);
    expect(machine.calls).toEqual([]);
  });

  it('refuses when the kind-soma context points at a cluster that is not on this machine', async () => {
    const dir = tempDir('kc-');
    const file = join(dir, 'config');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'kind-soma',
      clusters: [{ name: 'kind-soma', cluster: { server: 'https://10.0.0.5:6443' } }],
      users: [{ name: 'kind-soma', user: { token: 't' } }],
      contexts: [{ name: 'kind-soma', context: { cluster: 'kind-soma', user: 'kind-soma' } }],
    }));
    const { machine, run } = setup({ kubeconfig: file });
    await expect(run({ yes: true })).rejects.toThrow(/refusing to use context 'kind-soma': its API server https:\/\/10\.0\.0\.5:6443 is not on this machine/);
    expect(machine.calls).toEqual([]);
  });
});
