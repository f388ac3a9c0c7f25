// The Services every component exposes, derived from the contract tables: the contract
// Service consumers use, and the headless Service that gives each pod a DNS name (for
// StatefulSet peers and Prometheus' discovery). Kept apart from workload.ts, whose
// builders know nothing of the tables.
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName, type ServiceComponent } from '../contracts.ts';
import type { KubeObject } from '../kube.ts';
import { service } from './workload.ts';

/** The contract port, named as the containers name it, and the extra client ports consumers may use. */
function clientPorts(component: ServiceComponent, portName: string): { name: string; port: number }[] {
  return [{ name: portName, port: CONTRACTS[component].port }, ...(INTERNAL_PORTS[component].extraClient ?? [])];
}

/** The Service consumers use: the contract name and port plus the extra client ports, nothing internal. */
export function contractService(component: ServiceComponent, portName = 'http'): KubeObject {
  return service({ component, name: CONTRACTS[component].service, ports: clientPorts(component, portName) });
}

/** Ports of the contract tables: client (contract + extra client), peer, metrics. */
export type PortGroup = 'client' | 'peer' | 'metrics';

export interface HeadlessServiceOptions {
  /** The contract port's name, as the containers name it (default 'http'). */
  portName?: string;
  /** Pods that must find each other before any is ready (a quorum) resolve while not ready. */
  publishNotReadyAddresses?: boolean;
  /** Which port groups it carries (default all of them). */
  carries?: readonly PortGroup[];
}

/**
 * The `<c>-headless` Service: one DNS address per pod, for StatefulSet pod names and
 * Prometheus' discovery. Its ports come from CONTRACTS and INTERNAL_PORTS; a port
 * serving two roles (metrics on the API port) is listed once, under its first name.
 */
export function headlessService(component: ServiceComponent, o: HeadlessServiceOptions = {}): KubeObject {
  const internal = INTERNAL_PORTS[component];
  const groups: Record<PortGroup, readonly { name: string; port: number }[]> = {
    client: clientPorts(component, o.portName ?? 'http'),
    peer: internal.peer ?? [],
    metrics: [{ name: 'metrics', port: internal.metrics.port }],
  };
  const all = (o.carries ?? (['client', 'peer', 'metrics'] as const)).flatMap((g) => groups[g]);
  const ports = all.filter((p, i) => all.findIndex((q) => q.port === p.port) === i);
  return service({
    component,
    name: headlessServiceName(component),
    headless: true,
    publishNotReadyAddresses: o.publishNotReadyAddresses,
    ports,
  });
}
