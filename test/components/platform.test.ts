import { describe, expect, it } from 'vitest';
import {
  CLUSTER_DNS,
  CONTRACTS,
  INTERNAL_FLOWS,
  INTERNAL_PORTS,
  type ServiceComponent,
} from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, LABELS, NAMESPACE, type Environment } from '../../src/core/names.ts';
import { KUBERNETES_VERSION } from '../../src/core/versions.ts';
import {
  POLICY_NAMES,
  listNetworkFlows,
  platform,
  renderNetworkFlowTable,
} from '../../src/core/components/platform.ts';
import { opa } from '../../src/core/components/opa.ts';
import { openfga } from '../../src/core/components/openfga.ts';
import { expectWellFormed } from '../support/component-checks.ts';
import { CTX } from '../support/context.ts';

// A small evaluator of NetworkPolicy semantics (matchLabels selectors, ports, the
// 0.0.0.0/0 ipBlock), so the tests state flows ("can X reach Y:port?") instead of
// restating the objects.
type Labels = Record<string, string>;
interface Endpoint {
  namespace?: string;
  namespaceLabels?: Labels;
  podLabels?: Labels;
  /** Set for addresses outside the cluster (no namespace, no pod). */
  external?: true;
}
interface Peer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol: string; port: number }[];
}

const selects = (sel: { matchLabels?: Labels } | undefined, labels: Labels = {}) =>
  !!sel && Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function peerMatches(peer: Peer, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0';
  if (other.external) return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, other.namespaceLabels)
    : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector, other.podLabels) : true;
  return nsOk && podOk;
}

function admits(
  policies: KubeObject[],
  self: Endpoint,
  other: Endpoint,
  dir: 'Ingress' | 'Egress',
  port: number,
  protocol: string,
): boolean {
  if (self.external) return true;
  const applicable = policies.filter(
    (p) =>
      p.metadata.namespace === self.namespace &&
      selects((p.spec as any).podSelector, self.podLabels) &&
      (p.spec as any).policyTypes.includes(dir),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) =>
    (((p.spec as any)[dir === 'Ingress' ? 'ingress' : 'egress'] ?? []) as Rule[]).some((r) => {
      const peers = dir === 'Ingress' ? r.from : r.to;
      const peerOk = !peers || peers.some((peer) => peerMatches(peer, other, p.metadata.namespace!));
      const portOk = !r.ports || r.ports.some((x) => x.port === port && x.protocol === protocol);
      return peerOk && portOk;
    }),
  );
}

const policiesOf = (env: Environment) => platform.build(env, CTX).filter((o) => o.kind === 'NetworkPolicy');
const canReach = (env: Environment, from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => {
  const ps = policiesOf(env);
  return admits(ps, from, to, 'Egress', port, protocol) && admits(ps, to, from, 'Ingress', port, protocol);
};

const nsLabels = { [LABELS.podSecurityEnforce]: 'restricted', 'kubernetes.io/metadata.name': NAMESPACE };
const infraPod = (component?: string): Endpoint => ({
  namespace: NAMESPACE,
  namespaceLabels: nsLabels,
  podLabels: component ? { [LABELS.component]: component } : { app: 'debug' },
});
const consumer: Endpoint = {
  namespace: 'somabrain',
  namespaceLabels: { [LABELS.allowSharedInfra]: 'true' },
  podLabels: { app: 'brain' },
};
const stranger: Endpoint = { namespace: 'elsewhere', namespaceLabels: {}, podLabels: { app: 'x' } };
const dns: Endpoint = {
  namespace: CLUSTER_DNS.namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': CLUSTER_DNS.namespace },
  podLabels: { ...CLUSTER_DNS.podLabels },
};
const outside: Endpoint = { external: true };

const components = Object.keys(CONTRACTS) as ServiceComponent[];
const clientPorts = (c: ServiceComponent) => [
  CONTRACTS[c].port,
  ...(INTERNAL_PORTS[c].extraClient ?? []).map((p) => p.port),
];
const internalOnly = (c: ServiceComponent) =>
  [INTERNAL_PORTS[c].metrics.port, ...(INTERNAL_PORTS[c].peer ?? []).map((p) => p.port)].filter(
    (p) => !clientPorts(c).includes(p),
  );

describe.each(ENVIRONMENTS.map((env) => [env]))('platform build(%s)', (env: Environment) => {
  const objects = platform.build(env, CTX);

  it('returns valid objects of the platform component, the same on every call', () => expectWellFormed(platform, env));

  it('creates soma-infra enforcing Pod Security restricted at a pinned version, warning and auditing at latest', () => {
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.name).toBe(NAMESPACE);
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      [LABELS.podSecurityEnforce]: 'restricted',
      [LABELS.podSecurityWarn]: 'restricted',
      [LABELS.podSecurityAudit]: 'restricted',
    });
    expect(ns.metadata.labels?.[LABELS.podSecurityEnforceVersion]).toBe(
      KUBERNETES_VERSION.replace(/^(v\d+\.\d+)\..*$/, '$1'),
    );
    expect(ns.metadata.annotations?.['argocd.argoproj.io/sync-options']).toMatch(/Prune=false/);
  });

  it('denies all ingress and egress by default', () => {
    const deny = objects.find((o) => o.metadata.name === POLICY_NAMES.defaultDeny)!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(canReach(env, infraPod('redis'), outside, 443)).toBe(false);
    expect(canReach(env, stranger, infraPod('postgres'), CONTRACTS.postgres.port)).toBe(false);
    expect(canReach(env, infraPod(), infraPod('postgres'), CONTRACTS.postgres.port)).toBe(false);
  });

  it('lets every pod resolve names over UDP and TCP, and nothing else leave the namespace', () => {
    for (const protocol of ['UDP', 'TCP'])
      expect(canReach(env, infraPod('kafka'), dns, CLUSTER_DNS.port, protocol)).toBe(true);
    expect(canReach(env, infraPod('kafka'), dns, 8080)).toBe(false);
    expect(canReach(env, infraPod('kafka'), { ...dns, podLabels: { app: 'other' } }, CLUSTER_DNS.port, 'UDP')).toBe(
      false,
    );
    expect(canReach(env, infraPod('opa'), consumer, 8080)).toBe(false);
  });

  it.each(components.map((c) => [c]))(
    '%s: consumers reach its client ports only, Prometheus its metrics, its own pods their peers',
    (c) => {
      const target = infraPod(c);
      for (const port of clientPorts(c)) {
        expect(canReach(env, consumer, target, port)).toBe(true);
        // dev admits Grafana from any address, which includes pods of unlabelled namespaces.
        expect(canReach(env, stranger, target, port)).toBe(c === 'grafana' && env === 'dev');
      }
      for (const port of internalOnly(c)) expect(canReach(env, consumer, target, port)).toBe(false);
      expect(canReach(env, infraPod('prometheus'), target, INTERNAL_PORTS[c].metrics.port)).toBe(true);
      for (const port of [...clientPorts(c), ...(INTERNAL_PORTS[c].peer ?? []).map((p) => p.port)]) {
        expect(canReach(env, infraPod(c), target, port)).toBe(true);
      }
      expect(
        objects
          .filter((o) => (o.spec as any)?.podSelector?.matchLabels?.[LABELS.component] === c)
          .map((o) => o.metadata.name),
      ).toEqual([
        ...(CTX.components.find((x) => x.name === c)?.service?.egress ? [POLICY_NAMES.egress(c)] : []),
        POLICY_NAMES.ingress(c),
      ]);
    },
  );

  it("lets Prometheus, and no other pod, reach cert-manager's controller metrics in its namespace", () => {
    const controller: Endpoint = {
      namespace: 'cert-manager',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'cert-manager' },
      podLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' },
    };
    const webhook: Endpoint = { ...controller, podLabels: { 'app.kubernetes.io/name': 'webhook' } };
    expect(canReach(env, infraPod('prometheus'), controller, 9402)).toBe(true);
    expect(canReach(env, infraPod('prometheus'), controller, 9403)).toBe(false);
    expect(canReach(env, infraPod('prometheus'), webhook, 9402)).toBe(false);
    expect(canReach(env, infraPod('grafana'), controller, 9402)).toBe(false);
  });

  it('admits the CloudNativePG controller to the postgres instance status port, and lets the instances reach the API server', () => {
    const controller: Endpoint = {
      namespace: 'cnpg-system',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' },
      podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
    };
    expect(canReach(env, controller, infraPod('postgres'), 8000)).toBe(true);
    expect(canReach(env, controller, infraPod('redis'), 8000)).toBe(false);
    expect(canReach(env, infraPod('postgres'), { external: true }, 6443)).toBe(true);
    expect(canReach(env, infraPod('redis'), { external: true }, 6443)).toBe(false);
  });

  it("admits Strimzi's operator to the Kafka nodes' control plane, replication and agent ports; the controller port to nothing outside", () => {
    const operator: Endpoint = {
      namespace: 'strimzi',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'strimzi' },
      podLabels: { 'strimzi.io/kind': 'cluster-operator' },
    };
    for (const port of [9090, 9091, 8443]) {
      expect(canReach(env, operator, infraPod('kafka'), port), `operator to ${port}`).toBe(true);
      expect(canReach(env, operator, infraPod('postgres'), port)).toBe(false);
    }
    expect(canReach(env, operator, infraPod('kafka'), 9092)).toBe(false);
    const elsewhere: Endpoint = {
      namespace: 'strimzi',
      namespaceLabels: { 'kubernetes.io/metadata.name': 'strimzi' },
      podLabels: { app: 'other' },
    };
    for (const from of [consumer, elsewhere, infraPod('redis')])
      expect(canReach(env, from, infraPod('kafka'), 9090)).toBe(false);
    expect(canReach(env, infraPod('kafka'), infraPod('kafka'), 9090)).toBe(true);
    // Each node reads its listeners' certificates from the API server before it starts.
    for (const port of [443, 6443]) expect(canReach(env, infraPod('kafka'), { external: true }, port)).toBe(true);
    expect(canReach(env, infraPod('kafka'), { external: true }, 9092)).toBe(false);
  });

  it.each(INTERNAL_FLOWS.map((f) => [f.from, f.to, f.port, f.why]))(
    '%s reaches %s:%i (%s), other components do not',
    (from, to, port) => {
      expect(canReach(env, infraPod(from), infraPod(to), port)).toBe(true);
      // soma-infra is no consumer namespace: only the listed flows, Prometheus and the component itself get in.
      const others = components.filter(
        (c) =>
          c !== to && c !== 'prometheus' && !INTERNAL_FLOWS.some((f) => f.from === c && f.to === to && f.port === port),
      );
      expect(others.length).toBeGreaterThan(0);
      for (const c of others) expect(canReach(env, infraPod(c), infraPod(to), port)).toBe(false);
    },
  );

  it('lists the same flows the NetworkPolicies hold, and renders one table row per flow', () => {
    const flows = listNetworkFlows(CTX.components, env);
    const fromObjects = objects
      .filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== POLICY_NAMES.defaultDeny)
      .flatMap((o) =>
        [...((o.spec as any).ingress ?? []), ...((o.spec as any).egress ?? [])].map(
          (r: Rule) => `${o.metadata.name}:${(r.ports ?? []).map((p) => p.port).join(',')}`,
        ),
      );
    expect(fromObjects).toEqual(flows.map((f) => `${f.policy}:${f.ports.map((p) => p.port).join(',')}`));
    const table = renderNetworkFlowTable(flows).trim().split('\n');
    expect(table).toHaveLength(flows.length + 2);
    for (const [i, f] of flows.entries()) expect(table[i + 2]).toContain(`\`${f.policy}\``);
  });
});

describe('platform per-environment differences', () => {
  it('admits the Grafana NodePort from outside the cluster in dev only, on its port only', () => {
    expect(canReach('dev', outside, infraPod('grafana'), CONTRACTS.grafana.port)).toBe(true);
    expect(canReach('dev', outside, infraPod('grafana'), INTERNAL_PORTS.grafana.metrics.port + 1)).toBe(false);
    expect(canReach('dev', outside, infraPod('prometheus'), CONTRACTS.prometheus.port)).toBe(false);
    for (const env of ['staging', 'prod'] as const) {
      expect(canReach(env, outside, infraPod('grafana'), CONTRACTS.grafana.port)).toBe(false);
      // Only the egress of components that leave the namespace (postgres, kafka: API server; postgres: object store) names addresses.
      const ingress = policiesOf(env).filter((p) => (p.spec as any).policyTypes.includes('Ingress'));
      expect(JSON.stringify(ingress)).not.toContain('ipBlock');
    }
  });

  it('differs between environments in that allowance alone', () => {
    const strip = (env: Environment) =>
      listNetworkFlows(CTX.components, env).filter((f) => !(f.peer.kind === 'anywhere' && f.direction === 'ingress'));
    expect(strip('dev')).toEqual(listNetworkFlows(CTX.components, 'staging'));
    expect(listNetworkFlows(CTX.components, 'prod')).toEqual(listNetworkFlows(CTX.components, 'staging'));
  });
});

// The policies select pods by component label and open container ports: the component
// modules must carry those labels and declare those ports.
describe.each([
  ['opa', opa],
  ['openfga', openfga],
] as const)('platform and the %s module agree', (name, component) => {
  const objects = component.build('dev', CTX);
  const pods = objects.map((o) => ({ o, pod: podSpecOf(o) })).filter((x) => x.pod);

  it('labels every pod with the component the policies select', () => {
    expect(pods.length).toBeGreaterThan(0);
    for (const { o } of pods) expect((o.spec as any).template.metadata.labels[LABELS.component]).toBe(name);
  });

  it('declares every port its ingress policy opens', () => {
    const declared = pods.flatMap(({ pod }) =>
      ((pod!.spec as any).containers as any[]).flatMap((c) => (c.ports ?? []).map((p: any) => p.containerPort)),
    );
    const opened = listNetworkFlows(CTX.components, 'dev')
      .filter((f) => f.pods === name)
      .flatMap((f) => f.ports.map((p) => p.port));
    for (const port of opened) expect(declared).toContain(port);
  });
});
