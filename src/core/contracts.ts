// The tables consumers and the program rely on, derived from the component registry
// (src/core/components/registry.ts): the names, the consumer contracts (Service name,
// port, Secrets; see docs/contracts.md), the internal ports and the in-namespace flows.
// Nothing here is written by hand: a component states its facts once, in its spec.
import { COMPONENT_SPECS } from './components/registry.ts';
import type { ComponentSpec } from './components/spec.ts';
import type { DashboardSpec } from './components/dashboards/panels.ts';
import type { SmokeCheck } from './smoke/types.ts';
import {
  deriveContracts,
  deriveDashboards,
  deriveInternalFlows,
  deriveInternalPorts,
  deriveSmokeChecks,
  type InternalFlow,
  type InternalPorts,
  type ServiceContract,
} from './components/tables.ts';

export { CLUSTER_DNS } from './components/platform.ts';
export { headlessServiceName, serviceDns, type SecretContract } from './components/spec.ts';
export type { InternalFlow, InternalPorts, ServiceContract } from './components/tables.ts';

export type ComponentName = keyof typeof COMPONENT_SPECS;
/** Every component but the platform and the operators serves a contract (a test holds the registry to it). */
export type ServiceComponent = Exclude<ComponentName, 'platform' | 'cnpg' | 'cert-manager' | 'strimzi'>;

/** Every registered component, in registration order. */
export const COMPONENT_LIST: readonly ComponentSpec[] = Object.values(COMPONENT_SPECS);
export const COMPONENT_NAMES = Object.keys(COMPONENT_SPECS) as readonly ComponentName[];

export const CONTRACTS = deriveContracts(COMPONENT_LIST) as Record<ServiceComponent, ServiceContract>;
export const INTERNAL_PORTS = deriveInternalPorts(COMPONENT_LIST) as Record<ServiceComponent, InternalPorts>;
/** In-namespace flows beyond Prometheus scraping: who may open connections to whom (from each spec's `dependsOn`). */
export const INTERNAL_FLOWS = deriveInternalFlows(COMPONENT_LIST) as readonly (InternalFlow & {
  from: ComponentName;
  to: ServiceComponent;
})[];

/** The baseline Grafana dashboards, in registration order, and their uids by component (Argo CD links). */
export const DASHBOARDS: readonly DashboardSpec[] = deriveDashboards(COMPONENT_LIST);
export const DASHBOARD_UIDS: Readonly<Partial<Record<ServiceComponent, string>>> = Object.fromEntries(
  DASHBOARDS.map((d) => [d.component, d.uid]),
);

/** The readiness checks of `npm run smoke`, from each spec's `smoke`. */
export const SMOKE_CHECKS: readonly SmokeCheck[] = deriveSmokeChecks(COMPONENT_LIST);

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}
