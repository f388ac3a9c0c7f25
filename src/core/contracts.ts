// The binding service contracts of docs/contracts.md: what consumers rely on.
// Component modules take their Service name and port from here; validate checks the
// rendered Services against this table.
import { NAMESPACE } from './names.ts';

export const COMPONENT_NAMES = [
  'platform',
  'postgres',
  'redis',
  'kafka',
  'etcd',
  'vault',
  'opa',
  'prometheus',
  'grafana',
  'qdrant',
  'openfga',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];
export type ServiceComponent = Exclude<ComponentName, 'platform'>;

export interface ServiceContract {
  service: string;
  namespace: string;
  port: number;
  /** Secrets the component reads, which the bootstrap (dev) or an operator (staging/prod) provides. */
  secrets: readonly SecretContract[];
}

export interface SecretContract {
  name: string;
  keys: readonly string[];
  /** Only the environments that need it (e.g. Vault's dev root token). */
  environments?: readonly ('dev' | 'staging' | 'prod')[];
}

const c = (service: ServiceComponent, port: number, secrets: SecretContract[] = []): ServiceContract => ({
  service,
  namespace: NAMESPACE,
  port,
  secrets,
});

export const CONTRACTS: Record<ServiceComponent, ServiceContract> = {
  postgres: c('postgres', 5432, [
    { name: 'soma-infra-postgres-credentials', keys: ['username', 'password', 'database'] },
  ]),
  redis: c('redis', 6379),
  kafka: c('kafka', 9092),
  etcd: c('etcd', 2379),
  vault: c('vault', 8200, [{ name: 'soma-infra-vault-dev-root', keys: ['token'], environments: ['dev'] }]),
  opa: c('opa', 8181),
  prometheus: c('prometheus', 9090),
  grafana: c('grafana', 3000, [{ name: 'soma-infra-grafana-admin', keys: ['admin-user', 'admin-password'] }]),
  qdrant: c('qdrant', 6333),
  openfga: c('openfga', 8080, [{ name: 'soma-infra-openfga-datastore', keys: ['uri'] }]),
};

export function serviceDns(component: ServiceComponent): string {
  const k = CONTRACTS[component];
  return `${k.service}.${k.namespace}.svc.cluster.local`;
}

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}

/**
 * Ports inside the namespace that are not part of the consumer contract: where
 * Prometheus scrapes each component, and the ports its own replicas talk to each
 * other on. Component modules, the NetworkPolicies and the Prometheus config all
 * read this table, so the three cannot disagree.
 */
export interface InternalPorts {
  /** Extra client-facing ports (besides the contract port) consumers may use, e.g. qdrant gRPC. */
  extraClient?: readonly { name: string; port: number }[];
  /** Where Prometheus scrapes: container port and path. */
  metrics: { port: number; path: string; scheme?: 'http' };
  /** Ports only the component's own pods use between themselves (raft, peers, controllers). */
  peer?: readonly { name: string; port: number }[];
}

export const INTERNAL_PORTS: Record<ServiceComponent, InternalPorts> = {
  postgres: { metrics: { port: 9187, path: '/metrics' } },
  redis: { metrics: { port: 9121, path: '/metrics' } },
  kafka: { metrics: { port: 9308, path: '/metrics' }, peer: [{ name: 'controller', port: 9093 }] },
  etcd: { metrics: { port: 2381, path: '/metrics' }, peer: [{ name: 'peer', port: 2380 }] },
  vault: { metrics: { port: 8200, path: '/v1/sys/metrics' }, peer: [{ name: 'cluster', port: 8201 }] },
  opa: { metrics: { port: 8181, path: '/metrics' } },
  prometheus: { metrics: { port: 9090, path: '/metrics' } },
  grafana: { metrics: { port: 3000, path: '/metrics' } },
  qdrant: {
    extraClient: [{ name: 'grpc', port: 6334 }],
    metrics: { port: 6333, path: '/metrics' },
    peer: [{ name: 'p2p', port: 6335 }],
  },
  openfga: { extraClient: [{ name: 'grpc', port: 8081 }], metrics: { port: 2112, path: '/metrics' } },
};

/** The headless Service that gives a StatefulSet's pods stable DNS names. */
export function headlessServiceName(component: ServiceComponent): string {
  return `${component}-headless`;
}

/**
 * In-namespace flows beyond Prometheus scraping (which every component allows on its
 * metrics port): who may open connections to whom. The NetworkPolicies are built from this.
 */
export const INTERNAL_FLOWS: readonly { from: ComponentName; to: ServiceComponent; port: number; why: string }[] = [
  { from: 'grafana', to: 'prometheus', port: 9090, why: 'Grafana queries its Prometheus datasource' },
  { from: 'opa', to: 'vault', port: 8200, why: 'OPA reads policy secrets from Vault' },
  { from: 'openfga', to: 'postgres', port: 5432, why: 'OpenFGA stores its data in Postgres' },
  { from: 'postgres', to: 'postgres', port: 5432, why: 'the scheduled pg_dump backup Job connects to the database' },
];

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
