// Argo CD objects: the per-cluster AppProject and component Applications (apps/<cluster>/),
// the root Application and bootstrap project (bootstrap/clusters/<cluster>/root-app.yaml), and
// Argo CD's self-managing Application.
import { argocdInstallDir, argocdProfile } from './argocd-install.ts';
import type { ClusterConfig } from './cluster-config.ts';
import { TIER_WAVE, type ComponentSpec, type GroupKind, type UpstreamInstall } from './components/spec.ts';
import { apiGroup, type KubeObject } from './kube.ts';
import {
  ANNOTATIONS,
  ARGOCD_NAMESPACE,
  DIRS,
  IN_CLUSTER_SERVER,
  LABELS,
  MANAGED_BY,
  NAMESPACE,
  PART_OF,
} from './names.ts';

export const BOOTSTRAP_PROJECT = 'soma-bootstrap';
const APP_API = 'argoproj.io/v1alpha1';
/**
 * Deleting an Application deletes what it deployed, children first (foreground cascade).
 * The domain-qualified form Argo CD defines for that (ForegroundPropagationPolicyFinalizer
 * in its v1alpha1 API) means the same as the bare name, which Kubernetes 1.32+ warns about
 * ("prefer a domain-qualified finalizer name").
 */
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io/foreground';

export const sharedInfraProject = (cluster: ClusterConfig) => `${cluster.name}-shared-infra`;
export const applicationName = (cluster: ClusterConfig, component: string) => `${cluster.name}-${component}`;
export const rootApplicationName = (cluster: ClusterConfig) => `${cluster.name}-root`;
export const overlayPath = (cluster: ClusterConfig, component: string) =>
  `${DIRS.overlays}/${cluster.environment}/${component}`;

function appLabels(cluster: ClusterConfig, component: string): Record<string, string> {
  return {
    [LABELS.name]: component,
    [LABELS.component]: component,
    [LABELS.partOf]: PART_OF,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: cluster.environment,
    [LABELS.cluster]: cluster.name,
  };
}

/** Automated sync with prune and self-heal, server-side apply, and bounded retries. */
function syncPolicy(extraOptions: string[] = []) {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ['ServerSideApply=true', 'PruneLast=true', ...extraOptions],
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  };
}

/** Where the Grafana dashboard of a component is reachable from a browser, when the cluster publishes Grafana. */
export function dashboardUrl(cluster: ClusterConfig, uid: string): string | undefined {
  return cluster.kind ? `http://localhost:${cluster.kind.hostPorts.grafana}/d/${uid}` : undefined;
}

/** `path`: the cluster's own layer, when the component has one (else the environment overlay). */
export function buildApplication(cluster: ClusterConfig, component: ComponentSpec, path?: string): KubeObject {
  const annotations: Record<string, string> = { [ANNOTATIONS.syncWave]: String(TIER_WAVE[component.tier]) };
  const link = component.dashboard ? dashboardUrl(cluster, component.dashboard.uid) : undefined;
  if (link) annotations[ANNOTATIONS.grafanaLink] = link;
  return {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: {
      name: applicationName(cluster, component.name),
      namespace: ARGOCD_NAMESPACE,
      labels: appLabels(cluster, component.name),
      annotations,
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: sharedInfraProject(cluster),
      source: {
        repoURL: cluster.repository.url,
        targetRevision: cluster.repository.revision,
        path: path ?? overlayPath(cluster, component.name),
      },
      // An operator installs into the namespace its release creates.
      destination: { server: cluster.destination.server, namespace: component.upstream?.namespace ?? NAMESPACE },
      syncPolicy: syncPolicy(['CreateNamespace=false']),
      revisionHistoryLimit: 5,
    },
  };
}

/** The kinds the enabled components render, split by scope, for the project's allow lists. */
export function resourceKinds(objects: readonly KubeObject[]): {
  cluster: { group: string; kind: string }[];
  namespaced: { group: string; kind: string }[];
} {
  const seen = new Map<string, { group: string; kind: string; clusterScoped: boolean }>();
  for (const o of objects) {
    const group = apiGroup(o.apiVersion);
    seen.set(`${group}/${o.kind}`, { group, kind: o.kind, clusterScoped: !o.metadata.namespace });
  }
  const sorted = [...seen.values()].sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
  return {
    cluster: sorted.filter((k) => k.clusterScoped).map(({ group, kind }) => ({ group, kind })),
    namespaced: sorted.filter((k) => !k.clusterScoped).map(({ group, kind }) => ({ group, kind })),
  };
}

/** The rendered kinds plus those of the enabled operators' releases (not rendered offline), sorted. */
function withUpstreamKinds(
  kinds: ReturnType<typeof resourceKinds>,
  upstreams: readonly UpstreamInstall[],
): ReturnType<typeof resourceKinds> {
  const merge = (a: readonly GroupKind[], b: readonly GroupKind[]) => {
    const all = new Map([...a, ...b].map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }]));
    return [...all.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([, k]) => k);
  };
  return {
    cluster: merge(
      kinds.cluster,
      upstreams.flatMap((u) => u.kinds.cluster),
    ),
    namespaced: merge(
      kinds.namespaced,
      upstreams.flatMap((u) => u.kinds.namespaced),
    ),
  };
}

/**
 * The project every component Application of a cluster belongs to: this repository
 * only, the soma-infra namespace of that cluster only, and exactly the kinds the
 * enabled components render (derived, so it is never wider than needed).
 */
export function buildAppProject(
  cluster: ClusterConfig,
  objects: readonly KubeObject[],
  upstreams: readonly UpstreamInstall[] = [],
): KubeObject {
  const kinds = withUpstreamKinds(resourceKinds(objects), upstreams);
  const namespaces = [NAMESPACE, ...new Set(upstreams.map((u) => u.namespace))];
  return {
    apiVersion: APP_API,
    kind: 'AppProject',
    metadata: {
      name: sharedInfraProject(cluster),
      namespace: ARGOCD_NAMESPACE,
      labels: appLabels(cluster, 'shared-infra'),
      annotations: { [ANNOTATIONS.syncWave]: '-1' },
    },
    spec: {
      description: `Soma shared infrastructure on ${cluster.name} (${cluster.environment})`,
      sourceRepos: [cluster.repository.url],
      destinations: namespaces.map((namespace) => ({ server: cluster.destination.server, namespace })),
      clusterResourceWhitelist: kinds.cluster,
      namespaceResourceWhitelist: kinds.namespaced,
      orphanedResources: { warn: true },
    },
  };
}

/** Argo CD's own install kinds (bootstrap/argocd), which the self-managing Application needs. */
const ARGOCD_INSTALL_KINDS = {
  cluster: [
    { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    { group: '', kind: 'Namespace' },
  ],
  namespaced: [
    { group: '', kind: 'ConfigMap' },
    { group: '', kind: 'Secret' },
    { group: '', kind: 'Service' },
    { group: '', kind: 'ServiceAccount' },
    { group: 'apps', kind: 'Deployment' },
    { group: 'apps', kind: 'StatefulSet' },
    { group: 'argoproj.io', kind: 'AppProject' },
    { group: 'argoproj.io', kind: 'Application' },
    { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
    { group: 'rbac.authorization.k8s.io', kind: 'Role' },
    { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  ],
};

/** The project of the root Applications and of Argo CD itself: this repository, the argocd namespace only. */
/**
 * `sharedRepos`: the repositories of every cluster whose root app lives in the same Argo CD
 * (a hub and the clusters it manages). Each root-app.yaml applies this one project, so each
 * must list them all, or applying one cluster's file would lock the others' root apps out.
 */
export function buildBootstrapProject(
  cluster: ClusterConfig,
  sharedRepos: readonly string[] = [cluster.repository.url],
): KubeObject {
  return {
    apiVersion: APP_API,
    kind: 'AppProject',
    // Shared by every cluster's root app, so it carries no cluster or environment label.
    metadata: {
      name: BOOTSTRAP_PROJECT,
      namespace: ARGOCD_NAMESPACE,
      labels: {
        [LABELS.name]: 'bootstrap',
        [LABELS.component]: 'bootstrap',
        [LABELS.partOf]: PART_OF,
        [LABELS.managedBy]: MANAGED_BY,
      },
    },
    spec: {
      description: 'Root Applications (app-of-apps) and Argo CD itself',
      sourceRepos: [...new Set([cluster.repository.url, ...sharedRepos])].sort(),
      destinations: [{ server: IN_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: ARGOCD_INSTALL_KINDS.cluster,
      namespaceResourceWhitelist: ARGOCD_INSTALL_KINDS.namespaced,
    },
  };
}

export function buildRootApplication(cluster: ClusterConfig): KubeObject {
  return {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: {
      name: rootApplicationName(cluster),
      namespace: ARGOCD_NAMESPACE,
      labels: appLabels(cluster, 'root'),
      finalizers: [RESOURCES_FINALIZER],
    },
    spec: {
      project: BOOTSTRAP_PROJECT,
      source: {
        repoURL: cluster.repository.url,
        targetRevision: cluster.repository.revision,
        path: `${DIRS.apps}/${cluster.name}`,
      },
      destination: { server: IN_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: syncPolicy(),
      revisionHistoryLimit: 5,
    },
  };
}

/** Argo CD manages its own installation from bootstrap/argocd or argocd-ha (no finalizer: deleting the app must not uninstall Argo CD). */
export function buildArgoCdApplication(cluster: ClusterConfig): KubeObject {
  return {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: {
      name: applicationName(cluster, 'argocd'),
      namespace: ARGOCD_NAMESPACE,
      labels: appLabels(cluster, 'argocd'),
      annotations: { [ANNOTATIONS.syncWave]: '-2' },
    },
    spec: {
      project: BOOTSTRAP_PROJECT,
      source: {
        repoURL: cluster.repository.url,
        targetRevision: cluster.repository.revision,
        path: argocdInstallDir(argocdProfile(cluster)),
      },
      destination: { server: IN_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: syncPolicy(),
      revisionHistoryLimit: 5,
    },
  };
}
