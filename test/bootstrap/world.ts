// One bootstrap world per test: a fake API server with simulated controllers, a temporary
// repository, a fake machine, captured output, and a virtual clock.
import type { Deps } from '../../src/cli/deps.ts';
import { main } from '../../src/cli/main.ts';
import { startFakeKube, type FakeKube } from '../support/fake-kube.ts';
import { captureIo, fakeMachine, makeDeps, makeRepo, simulateCluster, type MachineOptions, type SimOptions } from './harness.ts';
import { tempDir } from '../support/temp.ts';

export const fakes: FakeKube[] = [];

/** Call from afterEach: stops every fake server the test started. */
export async function closeFakes(): Promise<void> {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
}

export const readyNode = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'soma-control-plane' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };

export async function world(o: { machine?: MachineOptions; sim?: SimOptions; interactive?: boolean; answer?: boolean; env?: Record<string, string> } = {}) {
  const fake = await startFakeKube();
  fakes.push(fake);
  simulateCluster(fake, o.sim);
  const root = makeRepo();
  const kubeconfig = fake.writeKubeconfig(tempDir('kc-'));
  const env = { KUBECONFIG: kubeconfig, HOME: root, ...o.env };
  const machine = fakeMachine({ onCreate: () => fake.put(readyNode), ...o.machine });
  if (o.machine?.clusters?.includes('soma')) fake.put(readyNode);
  const io = captureIo(root, env, { interactive: o.interactive, answer: o.answer });
  return { fake, root, env, machine, io, deps: makeDeps(io, machine) };
}

export type World = Awaited<ReturnType<typeof world>>;

/** Runs `npm run bootstrap` with these flags through the CLI, against the world's Deps. */
export async function bootstrap(w: World, flags: Record<string, string | boolean> = {}, deps: Partial<Deps> = {}) {
  w.io.out.length = 0;
  w.io.err.length = 0;
  const values = { cluster: 'kind-soma', timeout: '5m', 'degraded-grace': '1m', ...flags };
  const argv = Object.entries(values as Record<string, string | boolean>).flatMap(([k, v]) => (v === true ? [`--${k}`] : v === false ? [] : [`--${k}`, v]));
  const code = await main(['bootstrap', ...argv], w.io, { deps: { ...w.deps, ...deps } });
  return { code, stdout: w.io.out.join(''), stderr: w.io.err.join('') };
}

export const secretValues = (w: World) =>
  w.fake.all('Secret').filter((s) => s.metadata.namespace === 'soma-infra').map((s) => [s.metadata.name, s.data] as const).sort();

