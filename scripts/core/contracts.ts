// The binding service contracts of DESIGN.md / seed 001 §4: what consumers rely on.
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
  postgres: c('postgres', 5432, [{ name: 'soma-infra-postgres-credentials', keys: ['username', 'password', 'database'] }]),
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
