// The network flows of soma-infra, derived from the component specs (their service ports,
// dependencies, operators and outside connections) and CLUSTER_DNS: listNetworkFlows() is
// the one list the platform's NetworkPolicies (platform.ts) and the docs' flow table are
// built from, so they cannot disagree. The model is described in platform.ts.
import type { ComponentName } from '../contracts.ts';
import type { V1NetworkPolicyPeer } from '../kube.ts';
import { LABELS, NAMESPACE, type Environment } from '../names.ts';
import { isServing, type ComponentSpec, type ServingSpec } from './spec.ts';
import { deriveInternalFlows, type InternalFlow } from './tables.ts';

interface PlatformProfile {
  /**
   * Admit Grafana's port from any address. On Kind, Grafana is published through a
   * NodePort that the Kind config binds to the host's 127.0.0.1 only; the connection
   * reaches the pod from the node after kube-proxy's NAT, an address no pod or
   * namespace selector matches, and Kind (v0.24+) enforces NetworkPolicies. An ipBlock
   * of every address also admits pods of any namespace to that one port: acceptable on
   * a laptop cluster, since Grafana asks for its admin login. Staging and prod publish
   * nothing this way (use `kubectl port-forward`, which needs no rule).
   */
  grafanaFromAnywhere: boolean;
}

const PROFILES: Record<Environment, PlatformProfile> = {
  dev: { grafanaFromAnywhere: true },
  staging: { grafanaFromAnywhere: false },
  prod: { grafanaFromAnywhere: false },
};

/** The label every namespace carries with its own name (Kubernetes 1.22+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const ANY_ADDRESS = '0.0.0.0/0';

/**
 * Cluster DNS, which every pod in the namespace must reach (egress is denied by
 * default). kubeadm-based clusters, Kind included, keep CoreDNS under the kube-dns label.
 */
export const CLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
  protocols: ['UDP', 'TCP'],
} as const;

export const POLICY_NAMES = {
  defaultDeny: 'default-deny',
  dnsEgress: 'allow-egress-dns',
  namespaceEgress: 'allow-egress-within-namespace',
  ingress: (c: ComponentName) => `allow-ingress-${c}`,
  egress: (c: ComponentName) => `allow-egress-${c}`,
} as const;

/** Who is at the other end of a flow. */
export type FlowPeer =
  | { kind: 'consumers' }
  | { kind: 'component'; component: ComponentName }
  | { kind: 'namespace' }
  | { kind: 'cluster-dns' }
  | { kind: 'anywhere' }
  | { kind: 'operator'; component: ComponentName; namespace: string; podLabels: Readonly<Record<string, string>> };

export interface FlowPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export interface NetworkFlow {
  /** The NetworkPolicy that allows it. */
  policy: string;
  direction: 'ingress' | 'egress';
  /** The pods the policy selects: one component's, or every pod of the namespace. */
  pods: ComponentName | 'all';
  /** Where connections come from (ingress) or go to (egress). */
  peer: FlowPeer;
  /** Empty: every port. */
  ports: readonly FlowPort[];
  why: string;
}

const tcp = (name: string, port: number): FlowPort => ({ name, port, protocol: 'TCP' });

function clientPorts(c: ServingSpec): FlowPort[] {
  return [tcp('client', c.service.port), ...(c.service.extraClient ?? []).map((p) => tcp(p.name, p.port))];
}

/** The operator's controller reaching the pods it manages (its namespace and pod labels from its spec). */
function operatorFlows(c: ServingSpec, components: readonly ComponentSpec[]): NetworkFlow[] {
  const m = c.service.managedBy;
  const upstream = m && components.find((x) => x.name === m.component)?.upstream;
  if (!m || !upstream) return [];
  const peer: FlowPeer = {
    kind: 'operator',
    component: m.component,
    namespace: upstream.namespace,
    podLabels: upstream.controllerPodLabels,
  };
  return [
    {
      policy: POLICY_NAMES.ingress(c.name),
      direction: 'ingress',
      pods: c.name,
      peer,
      ports: m.ports.map((p) => tcp(p.name, p.port)),
      why: `the ${m.component} operator manages the ${c.name} instances`,
    },
  ];
}

/** Prometheus scraping an operator's controller in the operator's namespace (cert-manager's certificate metrics). */
function operatorMetricsFlows(components: readonly ComponentSpec[]): NetworkFlow[] {
  if (!components.some((c) => c.name === 'prometheus')) return [];
  return components.flatMap((c) => {
    const u = c.upstream;
    if (!u?.metrics) return [];
    return [
      {
        policy: POLICY_NAMES.egress('prometheus'),
        direction: 'egress' as const,
        pods: 'prometheus' as const,
        peer: {
          kind: 'operator' as const,
          component: c.name,
          namespace: u.namespace,
          podLabels: u.controllerPodLabels,
        },
        ports: [tcp('metrics', u.metrics.port)],
        why: `Prometheus scrapes the ${c.name} controller's ${u.metrics.path}`,
      },
    ];
  });
}

/** Connections a component's pods open outside the namespace (the API server, an object store). */
function egressFlows(c: ServingSpec): NetworkFlow[] {
  return (c.service.egress ?? []).map((e) => ({
    policy: POLICY_NAMES.egress(c.name),
    direction: 'egress',
    pods: c.name,
    peer: { kind: 'anywhere' },
    ports: [tcp(e.name, e.port)],
    why: e.why,
  }));
}

/** The flows into one component, before flows from the same peer are merged. */
function ingressFlows(c: ServingSpec, dependents: readonly InternalFlow[], profile: PlatformProfile): NetworkFlow[] {
  const base = { policy: POLICY_NAMES.ingress(c.name), direction: 'ingress' as const, pods: c.name };
  const metrics = c.service.metrics;
  const flows: NetworkFlow[] = [
    { ...base, peer: { kind: 'consumers' }, ports: clientPorts(c), why: `consumers use ${c.name}` },
    {
      ...base,
      peer: { kind: 'component', component: 'prometheus' },
      ports: [tcp('metrics', metrics.port)],
      why: `Prometheus scrapes ${metrics.path}`,
    },
    {
      ...base,
      peer: { kind: 'component', component: c.name },
      ports: [...clientPorts(c), ...(c.service.peer ?? []).map((p) => tcp(p.name, p.port))],
      why: `${c.name} pods talk to each other (replication, quorum, exporters, jobs)`,
    },
    ...dependents
      .filter((f) => f.to === c.name)
      .map((f): NetworkFlow => ({
        ...base,
        peer: { kind: 'component', component: f.from as ComponentName },
        ports: [tcp('client', f.port)],
        why: f.why,
      })),
  ];
  if (c.name === 'grafana' && profile.grafanaFromAnywhere) {
    flows.push({
      ...base,
      peer: { kind: 'anywhere' },
      ports: [tcp('client', c.service.port)],
      why: 'dev: the Grafana UI through the Kind NodePort',
    });
  }
  return flows;
}

function peerKey(p: FlowPeer): string {
  return p.kind === 'component' || p.kind === 'operator' ? `${p.kind}:${p.component}` : p.kind;
}

/** One flow per (policy, peer): ports de-duplicated, reasons joined. */
function mergeFlows(flows: readonly NetworkFlow[]): NetworkFlow[] {
  const merged = new Map<string, NetworkFlow>();
  for (const f of flows) {
    const key = `${f.policy}|${peerKey(f.peer)}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { ...f, ports: dedupePorts(f.ports) });
      continue;
    }
    const why = prev.why.split('; ').includes(f.why) ? prev.why : `${prev.why}; ${f.why}`;
    merged.set(key, { ...prev, ports: dedupePorts([...prev.ports, ...f.ports]), why });
  }
  return [...merged.values()];
}

function dedupePorts(ports: readonly FlowPort[]): FlowPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const k = `${p.protocol}/${p.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every flow the NetworkPolicies of an environment allow (everything else is denied). */
export function listNetworkFlows(components: readonly ComponentSpec[], env: Environment = 'dev'): NetworkFlow[] {
  const profile = PROFILES[env];
  const egress: NetworkFlow[] = [
    {
      policy: POLICY_NAMES.dnsEgress,
      direction: 'egress',
      pods: 'all',
      peer: { kind: 'cluster-dns' },
      ports: CLUSTER_DNS.protocols.map((protocol) => ({ name: 'dns', port: CLUSTER_DNS.port, protocol })),
      why: 'name resolution',
    },
    {
      policy: POLICY_NAMES.namespaceEgress,
      direction: 'egress',
      pods: 'all',
      peer: { kind: 'namespace' },
      ports: [],
      why: 'connections inside soma-infra; the ingress policies decide which are accepted',
    },
  ];
  const dependents = deriveInternalFlows(components);
  const serving = components.filter(isServing);
  return [
    ...egress,
    ...mergeFlows([...serving.flatMap((c) => egressFlows(c)), ...operatorMetricsFlows(components)]),
    ...mergeFlows(serving.flatMap((c) => [...ingressFlows(c, dependents, profile), ...operatorFlows(c, components)])),
  ];
}

export function describePeer(p: FlowPeer): string {
  switch (p.kind) {
    case 'consumers':
      return `pods in namespaces labelled ${LABELS.allowSharedInfra}=true`;
    case 'component':
      return `${p.component} pods`;
    case 'namespace':
      return `any pod in ${NAMESPACE}`;
    case 'cluster-dns':
      return `cluster DNS (${CLUSTER_DNS.namespace}, ${Object.entries(CLUSTER_DNS.podLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')})`;
    case 'anywhere':
      return `any address (${ANY_ADDRESS})`;
    case 'operator':
      return `the ${p.component} operator (${p.namespace}, ${Object.entries(p.podLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')})`;
  }
}

/** The flows as a Markdown table, for docs and `--help`-style listings. */
export function renderNetworkFlowTable(flows: readonly NetworkFlow[]): string {
  const rows = flows.map((f) => {
    const pods = f.pods === 'all' ? `any pod in ${NAMESPACE}` : `${f.pods} pods`;
    const [from, to] = f.direction === 'ingress' ? [describePeer(f.peer), pods] : [pods, describePeer(f.peer)];
    const ports = f.ports.length ? f.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') : 'any';
    return `| ${from} | ${to} | ${ports} | ${f.why} | \`${f.policy}\` |`;
  });
  return ['| from | to | ports | why | NetworkPolicy |', '| --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}

export function peerSelector(p: FlowPeer): V1NetworkPolicyPeer {
  switch (p.kind) {
    case 'consumers':
      return { namespaceSelector: { matchLabels: { [LABELS.allowSharedInfra]: 'true' } } };
    case 'component':
      return { podSelector: { matchLabels: { [LABELS.component]: p.component } } };
    case 'namespace':
      return { podSelector: {} };
    case 'cluster-dns':
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: CLUSTER_DNS.namespace } },
        podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
      };
    case 'anywhere':
      return { ipBlock: { cidr: ANY_ADDRESS } };
    case 'operator':
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } },
        podSelector: { matchLabels: { ...p.podLabels } },
      };
  }
}
