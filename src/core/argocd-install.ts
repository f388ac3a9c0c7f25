// bootstrap/argocd/: the pinned upstream Argo CD install plus the patches a local
// cluster needs — requests and limits on every workload (the upstream install sets
// none, and the dev budget counts Argo CD), no Dex (no SSO locally), the UI over
// plain HTTP on a NodePort the Kind config publishes, and a health check for
// Application resources so app-of-apps sync waves wait for child health.
import type { KubeObject } from './kube.ts';
import { ANNOTATIONS, ARGOCD_NAMESPACE, KIND_PORTS, LABELS, MANAGED_BY } from './names.ts';
import { ARGOCD_INSTALL_URL } from './versions.ts';
import type { Sizing } from './components/workload.ts';

export interface ArgoCdWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  container: string;
  sizing: Sizing;
}

/** Argo CD's workloads in the upstream non-HA install and the resources we give them. */
export const ARGOCD_WORKLOADS: readonly ArgoCdWorkload[] = [
  {
    kind: 'StatefulSet',
    name: 'argocd-application-controller',
    container: 'argocd-application-controller',
    sizing: s('250m', '512Mi', '1', '1Gi'),
  },
  {
    kind: 'Deployment',
    name: 'argocd-repo-server',
    container: 'argocd-repo-server',
    sizing: s('100m', '256Mi', '1', '1Gi'),
  },
  { kind: 'Deployment', name: 'argocd-server', container: 'argocd-server', sizing: s('50m', '128Mi', '500m', '256Mi') },
  { kind: 'Deployment', name: 'argocd-redis', container: 'redis', sizing: s('50m', '64Mi', '200m', '128Mi') },
  {
    kind: 'Deployment',
    name: 'argocd-applicationset-controller',
    container: 'argocd-applicationset-controller',
    sizing: s('25m', '64Mi', '200m', '256Mi'),
  },
  {
    kind: 'Deployment',
    name: 'argocd-notifications-controller',
    container: 'argocd-notifications-controller',
    sizing: s('25m', '64Mi', '200m', '128Mi'),
  },
];

function s(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Sizing {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

// Argo CD does not assess an Application's health from its children since 1.8; this
// restores it so the root app's sync waves wait until each child is healthy.
const APPLICATION_HEALTH_LUA = [
  'local hs = { status = "Progressing", message = "" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  hs.status = obj.status.health.status',
  '  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end',
  'end',
  'return hs',
  '',
].join('\n');

// A claim is healthy when Bound, as Argo CD's built-in check says; additionally a claim
// annotated as binding on first use (a backup volume whose only consumer is a CronJob,
// on a WaitForFirstConsumer storage class) is healthy while Pending, so it does not hold
// its Application — and every later sync wave — in Progressing until the first backup.
const PVC_HEALTH_LUA = [
  'local hs = {}',
  'local phase = nil',
  'if obj.status ~= nil then phase = obj.status.phase end',
  'local annotations = {}',
  'if obj.metadata ~= nil and obj.metadata.annotations ~= nil then annotations = obj.metadata.annotations end',
  'if phase == "Bound" then',
  '  hs.status = "Healthy"',
  '  hs.message = "Bound"',
  `elseif phase == "Pending" and annotations["${ANNOTATIONS.bindsOnFirstUse}"] == "true" then`,
  '  hs.status = "Healthy"',
  '  hs.message = "Pending until its first consumer runs"',
  'elseif phase == "Lost" then',
  '  hs.status = "Degraded"',
  '  hs.message = "the bound volume is lost"',
  'else',
  '  hs.status = "Progressing"',
  '  hs.message = "waiting for the claim to be bound"',
  'end',
  'return hs',
  '',
].join('\n');

/** The Lua health scripts the install configures, by argocd-cm key (tests run them). */
export const HEALTH_SCRIPTS = {
  'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
  'resource.customizations.health.PersistentVolumeClaim': PVC_HEALTH_LUA,
} as const;

export interface InstallFile {
  path: string;
  value: unknown;
}

export function buildArgoCdInstall(): { kustomization: Record<string, unknown>; files: InstallFile[] } {
  const workloadPatches: InstallFile[] = ARGOCD_WORKLOADS.map((w) => ({
    path: `patches/${w.kind.toLowerCase()}-${w.name}.yaml`,
    value: {
      apiVersion: 'apps/v1',
      kind: w.kind,
      metadata: { name: w.name },
      spec: {
        template: {
          spec: {
            containers: [{ name: w.container, resources: { requests: w.sizing.requests, limits: w.sizing.limits } }],
          },
        },
      },
    },
  }));
  const files: InstallFile[] = [
    {
      path: 'namespace.yaml',
      value: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ARGOCD_NAMESPACE, labels: { [LABELS.managedBy]: MANAGED_BY } },
      },
    },
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
      value: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cmd-params-cm' },
        // server.insecure: the local UI is plain HTTP on a NodePort bound to 127.0.0.1.
        // controller.resource.health.persist: Argo CD 3.x no longer writes each resource's
        // health into the Application by default; status and bootstrap read it from there to
        // say which resource is not healthy and why.
        data: { 'server.insecure': 'true', 'controller.resource.health.persist': 'true' },
      },
    },
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
    ...workloadPatches,
  ];
  const patchFiles = files.filter((f) => f.path.startsWith('patches/')).map((f) => ({ path: f.path }));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: ARGOCD_NAMESPACE,
    resources: ['namespace.yaml', ARGOCD_INSTALL_URL],
    patches: patchFiles,
  };
  return { kustomization, files };
}

/** Argo CD's own objects as far as they are known without fetching the remote install (for budgets). */
export function argoCdWorkloadObjects(): KubeObject[] {
  return ARGOCD_WORKLOADS.map((w) => ({
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: ARGOCD_NAMESPACE },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [{ name: w.container, resources: { requests: w.sizing.requests, limits: w.sizing.limits } }],
        },
      },
    },
  }));
}
