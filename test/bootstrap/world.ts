// One bootstrap world per test: a fake API server with simulated controllers, a temporary
// repository, a fake machine, captured output, and a virtual clock.

import { defaultDeps } from '../../src/cli/deps.ts';
import { typedValues } from '../../src/cli/options.ts';
import { command, runBootstrapCommand } from '../../src/commands/bootstrap/command.ts';
import type { BootstrapDeps } from '../../src/commands/bootstrap/types.ts';
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

export async function bootstrap(w: World, flags: Record<string, string | boolean> = {}, deps: Partial<BootstrapDeps> = {}) {
  w.io.out.length = 0;
  w.io.err.length = 0;
  // Through the option table, as main() does: durations become milliseconds.
  const values = typedValues(command.options, { cluster: 'kind-soma', timeout: '5m', 'degraded-grace': '1m', ...flags }, w.io.cwd);
  const code = await runBootstrapCommand({ values, positionals: [], io: w.io, deps: defaultDeps() }, { ...w.deps, ...deps });
  return { code, stdout: w.io.out.join(''), stderr: w.io.err.join('') };
}

export const secretValues = (w: World) =>
  w.fake.all('Secret').filter((s) => s.metadata.namespace === 'soma-infra').map((s) => [s.metadata.name, s.data] as const).sort();

