// The Argo CD installs bootstrap applies and Argo CD then manages itself from: the pinned
// upstream manifests (by URL) plus our patches.
// - dev (bootstrap/argocd, Kind): the non-HA install, no Dex (no SSO locally), the UI over
//   plain HTTP on a NodePort the Kind config publishes, sized into the dev budget.
// - ha (bootstrap/argocd-ha, every other cluster): upstream's HA install; the UI stays a
//   ClusterIP Service serving TLS (reach it by port-forward or your own Ingress), Dex kept.
// Both: requests and limits on every container (upstream sets none), and our health checks
// for Applications and claims so app-of-apps sync waves wait for child health.
import type { ClusterConfig } from './cluster-config.ts';
import type { Sizing } from './components/workload.ts';
import type { KubeObject } from './kube.ts';
import { HEALTH_SCRIPTS } from './argocd-health-scripts.ts';
import { ARGOCD_WORKLOADS, type ArgoCdProfile, type ArgoCdWorkload } from './argocd-workloads.ts';
import { ARGOCD_NAMESPACE, DIRS, KIND_PORTS, LABELS, MANAGED_BY } from './names.ts';
import { argocdInstallUrl } from './versions.ts';

export { HEALTH_SCRIPTS } from './argocd-health-scripts.ts';
export { ARGOCD_WORKLOADS, type ArgoCdProfile } from './argocd-workloads.ts';

export interface InstallFile {
  path: string;
  value: unknown;
}

/** Kind clusters get the light install; every real cluster the HA one. */
export const argocdProfile = (c: Pick<ClusterConfig, 'kind'>): ArgoCdProfile => (c.kind ? 'dev' : 'ha');
export const argocdInstallDir = (profile: ArgoCdProfile) =>
  profile === 'dev' ? DIRS.argocdInstall : DIRS.argocdHaInstall;

const resources = (z: Sizing) => ({ requests: z.requests, limits: z.limits });
const sized = (byName: Record<string, Sizing> | undefined) =>
  Object.entries(byName ?? {}).map(([name, z]) => ({ name, resources: resources(z) }));

function workloadPatch(w: ArgoCdWorkload, profile: ArgoCdProfile): InstallFile {
  const init = sized(w.initContainers);
  return {
    path: `patches/${w.kind.toLowerCase()}-${w.name}.yaml`,
    value: {
      apiVersion: 'apps/v1',
      kind: w.kind,
      metadata: { name: w.name },
      spec: {
        // HA: upstream's counts restated, so the budget counts what runs.
        ...(profile === 'ha' ? { replicas: w.replicas } : {}),
        template: { spec: { ...(init.length ? { initContainers: init } : {}), containers: sized(w.containers) } },
      },
    },
  };
}

function configPatches(profile: ArgoCdProfile): InstallFile[] {
  // controller.resource.health.persist: Argo CD 3.x no longer writes each resource's health
  // into the Application by default; status and bootstrap read it from there.
  // server.insecure (dev only): the local UI is plain HTTP on a NodePort bound to 127.0.0.1.
  const params: Record<string, string> =
    profile === 'dev'
      ? { 'server.insecure': 'true', 'controller.resource.health.persist': 'true' }
      : { 'controller.resource.health.persist': 'true' };
  return [
    {
      path: 'patches/configmap-argocd-cm.yaml',
      value: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cm' },
        data: { ...HEALTH_SCRIPTS, 'timeout.reconciliation': '60s' },
      },
    },
    {
      path: 'patches/configmap-argocd-cmd-params-cm.yaml',
      value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cmd-params-cm' }, data: params },
    },
  ];
}

/** Dev only: the UI on the NodePort Kind publishes, and no Dex. */
const DEV_ONLY: InstallFile[] = [
  {
    path: 'patches/service-argocd-server.yaml',
    value: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'argocd-server' },
      spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: KIND_PORTS.argocd.nodePort }] },
    },
  },
  {
    path: 'patches/deployment-argocd-dex-server.yaml',
    value: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argocd-dex-server' }, $patch: 'delete' },
  },
];

export function buildArgoCdInstall(profile: ArgoCdProfile = 'dev'): {
  kustomization: Record<string, unknown>;
  files: InstallFile[];
} {
  const files: InstallFile[] = [
    {
      path: 'namespace.yaml',
      value: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ARGOCD_NAMESPACE, labels: { [LABELS.managedBy]: MANAGED_BY } },
      },
    },
    ...configPatches(profile),
    ...(profile === 'dev' ? DEV_ONLY : []),
    ...ARGOCD_WORKLOADS[profile].map((w) => workloadPatch(w, profile)),
  ];
  const patchFiles = files.filter((f) => f.path.startsWith('patches/')).map((f) => ({ path: f.path }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: ARGOCD_NAMESPACE,
    resources: ['namespace.yaml', argocdInstallUrl(profile)],
    patches: patchFiles,
  };
  return { kustomization, files };
}

/** Argo CD's own objects as far as they are known without fetching the remote install (for budgets and status). */
export function argoCdWorkloadObjects(profile: ArgoCdProfile = 'dev'): KubeObject[] {
  return ARGOCD_WORKLOADS[profile].map((w) => ({
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: ARGOCD_NAMESPACE },
    spec: {
      replicas: w.replicas,
      template: {
        spec: {
          ...(w.initContainers ? { initContainers: sized(w.initContainers) } : {}),
          containers: sized(w.containers),
        },
      },
    },
  }));
}
