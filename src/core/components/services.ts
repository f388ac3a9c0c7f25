// The Services every component exposes, built from its ServiceSpec: the contract Service
// consumers use, and the headless Service that gives each pod a DNS name (for
// StatefulSet peers and Prometheus' discovery). Kept apart from workload.ts, whose
// builders know nothing of specs.
import type { ComponentName } from '../contracts.ts';
import type { KubeObject } from '../kube.ts';
import { headlessServiceName, type NamedPort, type ServiceSpec } from './spec.ts';
import { service } from './workload.ts';

/** The contract port, named as the containers name it, and the extra client ports consumers may use. */
function clientPorts(s: ServiceSpec, portName: string): NamedPort[] {
  return [{ name: portName, port: s.port }, ...(s.extraClient ?? [])];
}

/** The Service consumers use: the contract name and port plus the extra client ports, nothing internal. */
export function contractService(component: ComponentName, s: ServiceSpec, portName = 'http'): KubeObject {
  return service({ component, name: component, ports: clientPorts(s, portName) });
}

/** Ports of the service spec: client (contract + extra client), peer, metrics. */
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
 * Prometheus' discovery. A port serving two roles (metrics on the API port) is listed
 * once, under its first name.
 */
export function headlessService(component: ComponentName, s: ServiceSpec, o: HeadlessServiceOptions = {}): KubeObject {
  const groups: Record<PortGroup, readonly NamedPort[]> = {
    client: clientPorts(s, o.portName ?? 'http'),
    peer: s.peer ?? [],
    metrics: [{ name: 'metrics', port: s.metrics.port }],
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
