// Compiled by `tsc --noEmit -p .` (tsconfig includes test/**), never run: every
// expect-error directive below must meet an error, or tsc fails with "Unused
// '@ts-expect-error' directive". This is the proof that a component which is declared
// but incomplete does not compile.
import type { ComponentName } from '../../src/core/contracts.ts';
import type { ComponentSpec } from '../../src/core/components/spec.ts';
import { deployment } from '../../src/core/components/workload.ts';

const complete: ComponentSpec = {
  name: 'redis',
  description: 'a complete spec',
  tier: 'store',
  images: [{ role: 'server', image: 'docker.io/library/redis:8.10.2' }],
  uid: 999,
  service: { port: 6379, secrets: [], metrics: { port: 9121, path: '/metrics' } },
  dependsOn: [],
  dashboard: null,
  smoke: [],
  sourceFiles: [],
  build: () => [deployment({ component: 'redis', replicas: 1, pod: { uid: 999, containers: [] } })],
};

// @ts-expect-error — no `service`, `dependsOn`, `dashboard`: every fact must be stated (null or [] when there is none)
const halfDeclared: ComponentSpec = {
  name: 'redis',
  description: 'forgot its contract',
  tier: 'store',
  images: [],
  uid: 999,
  sourceFiles: [],
  build: () => [],
};

const noDashboardField: ComponentSpec = {
  ...complete,
  // @ts-expect-error — `dashboard` may be null, never left undefined
  dashboard: undefined,
};

const unknownDependency: ComponentSpec = {
  ...complete,
  // @ts-expect-error — a dependency must name a registered component
  dependsOn: [{ component: 'nats', why: 'not registered' }],
};

const incompleteService: ComponentSpec = {
  ...complete,
  // @ts-expect-error — a service states where Prometheus scrapes it
  service: { port: 6379, secrets: [] },
};

// @ts-expect-error — names come from the registry's keys
const unregistered: ComponentName = 'nats';

const registry = {
  redis: complete,
  // @ts-expect-error — the registry accepts only complete specs
  nats: { name: 'redis', description: 'half', tier: 'store', images: [], build: () => [] },
} satisfies Record<string, ComponentSpec>;

export { halfDeclared, incompleteService, noDashboardField, registry, unknownDependency, unregistered };
