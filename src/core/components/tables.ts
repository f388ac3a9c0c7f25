// The tables derived from a list of component specs. Pure functions of the list, so the
// registry's tables (contracts.ts) and a test's registry with one more component are
// derived the same way.
import { InternalError } from '../errors.ts';
import { NAMESPACE } from '../names.ts';
import type { SmokeCheck } from '../smoke/types.ts';
import type { DashboardSpec } from './dashboards/panels.ts';
import { isServing, type ComponentSpec, type SecretContract, type ServiceSpec } from './spec.ts';

export interface ServiceContract {
  service: string;
  namespace: string;
  port: number;
  /** Secrets the component reads, which the bootstrap (dev) or an operator (staging/prod) provides. */
  secrets: readonly SecretContract[];
}

/** Ports inside the namespace that are not part of the consumer contract. */
export type InternalPorts = Pick<ServiceSpec, 'extraClient' | 'metrics' | 'peer'>;

/** A connection one component opens to another's contract port (from `dependsOn`). */
export interface InternalFlow {
  from: string;
  to: string;
  port: number;
  why: string;
}

/** The consumer contract of every component that serves one, by name. */
export function deriveContracts(specs: readonly ComponentSpec[]): Record<string, ServiceContract> {
  return Object.fromEntries(
    specs
      .filter(isServing)
      .map((c) => [
        c.name,
        { service: c.name, namespace: NAMESPACE, port: c.service.port, secrets: c.service.secrets },
      ]),
  );
}

/** The internal ports of every component that serves a contract, by name. */
export function deriveInternalPorts(specs: readonly ComponentSpec[]): Record<string, InternalPorts> {
  return Object.fromEntries(
    specs.filter(isServing).map((c) => {
      const { extraClient, metrics, peer } = c.service;
      return [c.name, { ...(extraClient ? { extraClient } : {}), metrics, ...(peer ? { peer } : {}) }];
    }),
  );
}

/** Every dependency as a flow to the other component's contract port. */
export function deriveInternalFlows(specs: readonly ComponentSpec[]): InternalFlow[] {
  const byName = new Map(specs.map((c) => [c.name as string, c]));
  // A dependency on an operator is one of deployment order, not a connection (see ServiceSpec.managedBy).
  const connects = (d: { component: string }) => !byName.get(d.component)?.upstream;
  return specs.flatMap((c) =>
    c.dependsOn.filter(connects).map((d) => {
      const target = byName.get(d.component);
      if (!target?.service) throw new InternalError(`${c.name} depends on '${d.component}', which serves no contract`);
      return { from: c.name, to: d.component, port: target.service.port, why: d.why };
    }),
  );
}

/** The baseline dashboards, in registration order. */
export function deriveDashboards(specs: readonly ComponentSpec[]): DashboardSpec[] {
  return specs.flatMap((c) => (c.dashboard ? [c.dashboard] : []));
}

/** The smoke checks: each component's in registration order, then the cross-cutting ones (the platform's). */
export function deriveSmokeChecks(specs: readonly ComponentSpec[]): SmokeCheck[] {
  const ordered = [...specs.filter(isServing), ...specs.filter((c) => !isServing(c))];
  return ordered.flatMap((c) => c.smoke.map((make) => make(c, specs)));
}
