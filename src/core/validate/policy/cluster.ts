// Rules over everything rendered for one cluster: network isolation of soma-infra and
// the service contracts consumers rely on (docs/contracts.md). Repository mode only.
import { overlayPath } from '../../argocd.ts';
import { CONTRACTS, type ServiceComponent } from '../../contracts.ts';
import type { KubeObject } from '../../kube.ts';
import { NAMESPACE } from '../../names.ts';
import { type SetRule, type SetViolation, podOf } from './types.ts';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function isEmptySelector(s: LabelSelector | undefined): boolean {
  return !s || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length);
}

/** Whether a label selector selects a set of labels (Kubernetes semantics). */
export function selects(s: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!s) return true;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const isNetworkPolicy = (o: KubeObject) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1';

/** An empty pod selector, Ingress in policyTypes, and no ingress rules: nothing may connect unless another policy allows it. */
export function isDefaultDenyIngress(o: KubeObject): boolean {
  const spec = (o.spec ?? {}) as { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: unknown[] };
  return (
    isNetworkPolicy(o) &&
    isEmptySelector(spec.podSelector) &&
    (spec.policyTypes ?? []).includes('Ingress') &&
    !(spec.ingress ?? []).length
  );
}

export const networkPolicyRule: SetRule = {
  scope: 'set',
  repositoryOnly: true,
  id: 'SOMA-NETWORK-POLICY',
  title: 'Default-deny in soma-infra, and a NetworkPolicy for every component',
  rationale:
    "shared infrastructure holds every service's data: only labelled namespaces and the components that need it may connect (docs/contracts.md, Network access)",
  fix: "keep the platform component's default-deny policy, and give each component a NetworkPolicy that selects its pods",
  check(items, ctx) {
    const inNs = items.filter((i) => i.object.metadata.namespace === NAMESPACE);
    if (!inNs.length) return [];
    const policies = inNs.filter((i) => isNetworkPolicy(i.object)).map((i) => i.object);
    const out: SetViolation[] = [];
    if (!policies.some(isDefaultDenyIngress)) {
      out.push({
        file: ctx.cluster ? overlayPath(ctx.cluster, 'platform') : items[0]!.file,
        object: { kind: 'NetworkPolicy', namespace: NAMESPACE, name: '<default-deny>' },
        pointer: '',
        message: `no default-deny ingress NetworkPolicy in namespace ${NAMESPACE}`,
        fix: "enable the 'platform' component: it renders the default-deny policy (empty podSelector, policyTypes [Ingress, Egress], no rules)",
      });
    }
    const specific = policies.filter(
      (p) => !isEmptySelector((p.spec as { podSelector?: LabelSelector } | undefined)?.podSelector),
    );
    for (const item of inNs) {
      const pod = podOf(item.object);
      if (!pod) continue;
      if (specific.some((p) => selects((p.spec as { podSelector?: LabelSelector }).podSelector, pod.labels))) continue;
      out.push({
        item,
        pointer: pod.labelsPointer,
        message:
          'no NetworkPolicy selects these pods: only the namespace default-deny applies, so nothing can reach them',
      });
    }
    return out;
  },
};

function servicePorts(o: KubeObject): number[] {
  const ports = (o.spec as { ports?: { port?: unknown }[] } | undefined)?.ports ?? [];
  return ports.map((p) => p?.port).filter((p): p is number => typeof p === 'number');
}

/** Every CloudNativePG Service listens on Postgres's port. */
const CNPG_SERVICE_PORT = 5432;

/**
 * Services an operator makes from a rendered custom resource: a CloudNativePG Cluster's
 * managed additional Services (spec.managed.services.additional[].serviceTemplate.metadata.name).
 */
export function operatorServices(items: readonly { object: KubeObject }[], namespace: string): string[] {
  return items
    .map((i) => i.object)
    .filter((o) => o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/'))
    .filter((o) => o.metadata.namespace === namespace)
    .flatMap((o) => {
      const additional = (o.spec as any)?.managed?.services?.additional;
      return Array.isArray(additional) ? additional : [];
    })
    .map((a) => a?.serviceTemplate?.metadata?.name)
    .filter((n): n is string => typeof n === 'string');
}

export const serviceContractRule: SetRule = {
  scope: 'set',
  repositoryOnly: true,
  id: 'SOMA-SERVICE-CONTRACT',
  title: 'Service contracts',
  rationale:
    'consumers connect to <component>.soma-infra.svc.cluster.local on the documented port (docs/contracts.md); renaming or moving it breaks them',
  fix: "build the Service with contractService() from the component spec's `service` (src/core/components/<component>.ts)",
  check(items, ctx) {
    if (!ctx.cluster) return [];
    const out: SetViolation[] = [];
    for (const component of ctx.cluster.components) {
      // The platform and the operators serve no contract.
      if (!Object.hasOwn(CONTRACTS, component)) continue;
      const contract = CONTRACTS[component as ServiceComponent];
      const ref = `${contract.service}.${contract.namespace}:${contract.port}`;
      const service = items.find(
        (i) =>
          i.object.kind === 'Service' &&
          i.object.apiVersion === 'v1' &&
          i.object.metadata.name === contract.service &&
          i.object.metadata.namespace === contract.namespace,
      );
      if (!service && operatorServices(items, contract.namespace).includes(contract.service)) {
        if (contract.port !== CNPG_SERVICE_PORT)
          out.push({
            file: overlayPath(ctx.cluster, component),
            object: { kind: 'Service', namespace: contract.namespace, name: contract.service },
            pointer: '',
            message: `a CloudNativePG Cluster's Services listen on ${CNPG_SERVICE_PORT}, not on the contract port ${contract.port}`,
          });
        continue;
      }
      if (!service) {
        out.push({
          file: overlayPath(ctx.cluster, component),
          object: { kind: 'Service', namespace: contract.namespace, name: contract.service },
          pointer: '',
          message: `component '${component}' renders no Service ${contract.service} in ${contract.namespace} (contract ${ref})`,
        });
      } else if (!servicePorts(service.object).includes(contract.port)) {
        out.push({
          item: service,
          pointer: '/spec/ports',
          message: `does not expose port ${contract.port} (contract ${ref}); it exposes ${servicePorts(service.object).join(', ') || 'no port'}`,
        });
      }
    }
    return out;
  },
};
