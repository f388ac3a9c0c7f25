// The one table of every directory, label, annotation and fixed name in the
// project, so that a rename is one line (house style: autopilot `store.Default`).
import { InternalError } from './errors.ts';

export const PROJECT = 'somastack';
export const NAMESPACE = 'soma-infra';
export const ARGOCD_NAMESPACE = 'argocd';
export const PART_OF = 'soma-shared-infra';
export const APP_PROJECT = 'soma-shared-infra';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const DIRS = {
  base: 'base',
  overlays: 'overlays',
  apps: 'apps',
  clusters: 'clusters',
  bootstrap: 'bootstrap',
  argocdInstall: 'bootstrap/argocd',
  argocdHaInstall: 'bootstrap/argocd-ha',
  /** Generated per-cluster files (root app, Kind config): clusters/<c>/ holds only what people write. */
  clusterBootstrap: 'bootstrap/clusters',
} as const;

export const FILES = {
  clusterConfig: 'cluster.yaml',
  kindConfig: 'kind-config.yaml',
  rootApp: 'root-app.yaml',
  kustomization: 'kustomization.yaml',
} as const;

/** clusters/<c>/cluster.yaml: the one file a person writes per cluster. */
export const clusterConfigPath = (cluster: string) => `${DIRS.clusters}/${cluster}/${FILES.clusterConfig}`;
/** bootstrap/clusters/<c>/: the generated files of one cluster that no Application syncs. */
export const clusterBootstrapDir = (cluster: string) => `${DIRS.clusterBootstrap}/${cluster}`;
/** The root Application and its AppProject, applied by `npm run bootstrap`. */
export const rootAppPath = (cluster: string) => `${clusterBootstrapDir(cluster)}/${FILES.rootApp}`;
/** The Kind config of a local cluster, read by `kind create cluster --config`. */
export const kindConfigPath = (cluster: string) => `${clusterBootstrapDir(cluster)}/${FILES.kindConfig}`;
/**
 * Generated files that revisions before the move kept beside cluster.yaml. `diff` still reads
 * the root app there from an old base revision; `generate` removes them (they carry its header).
 */
export const LEGACY_CLUSTER_FILES: readonly string[] = [FILES.rootApp, FILES.kindConfig];
export const legacyRootAppPath = (cluster: string) => `${DIRS.clusters}/${cluster}/${FILES.rootApp}`;

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
  environment: 'soma.sh/environment',
  cluster: 'soma.sh/cluster',
  allowSharedInfra: 'soma.sh/allow-shared-infra',
  podSecurityEnforce: 'pod-security.kubernetes.io/enforce',
  podSecurityEnforceVersion: 'pod-security.kubernetes.io/enforce-version',
  podSecurityWarn: 'pod-security.kubernetes.io/warn',
  podSecurityAudit: 'pod-security.kubernetes.io/audit',
} as const;

export const ANNOTATIONS = {
  syncWave: 'argocd.argoproj.io/sync-wave',
  syncOptions: 'argocd.argoproj.io/sync-options',
  compareOptions: 'argocd.argoproj.io/compare-options',
  grafanaLink: 'link.argocd.argoproj.io/grafana-dashboard',
  policyException: 'soma.sh/policy-exception',
  /** A claim that stays Pending until its first pod (WaitForFirstConsumer) and is healthy meanwhile. */
  bindsOnFirstUse: 'soma.sh/binds-on-first-use',
  description: 'soma.sh/description',
  // Argo CD's own: which Application tracks an object, and "compare with git again now".
  trackingId: 'argocd.argoproj.io/tracking-id',
  refresh: 'argocd.argoproj.io/refresh',
} as const;

// The value of app.kubernetes.io/managed-by on everything this repository owns.
export const MANAGED_BY = PROJECT;

export const GENERATED_BY = 'npm run generate';

// Kubernetes names: RFC 1123 label (namespaces, services) and subdomain (most objects).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** Returns the name, or throws when it is not a valid DNS-1123 label (checked where names are made). */
export function dnsLabel(name: string): string {
  if (!isDns1123Label(name)) {
    throw new InternalError(
      `'${name}' is not a valid DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`,
    );
  }
  return name;
}

// Host access to a local Kind cluster: the NodePorts the generated Services use and
// the default host ports the Kind config maps them to.
export const KIND_PORTS = {
  argocd: { nodePort: 30080, hostPort: 8080 },
  grafana: { nodePort: 30300, hostPort: 3000 },
} as const;

export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

// The field manager `drift` uses for its server-side apply dry-runs (never for real writes),
// and the prefix of the short-lived Jobs and namespaces `smoke` creates.
export const DRIFT_FIELD_MANAGER = 'somastack-drift';
export const SMOKE_PREFIX = 'soma-smoke';
