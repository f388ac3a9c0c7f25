// Builders shared by every component module: labels, the restricted security context,
// containers, probes and the workload kinds. A component module describes what is
// particular to it; everything every workload must have is set here once.
import { createHash } from 'node:crypto';
import type { ComponentName } from '../contracts.ts';
import {
  obj,
  type KubeObject,
  type ObjectMeta,
  type V1Container,
  type V1EnvVar,
  type V1PodSpec,
  type V1Probe,
  type V1ResourceRequirements,
  type V1Volume,
  type V1VolumeMount,
} from '../kube.ts';
import { LABELS, MANAGED_BY, NAMESPACE, PART_OF, dnsLabel } from '../names.ts';

export interface Sizing {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Labels every object of a component carries. `name` is the workload (e.g. 'postgres-backup'). */
export function componentLabels(component: ComponentName, name: string = component): Record<string, string> {
  return {
    [LABELS.name]: name,
    [LABELS.component]: component,
    [LABELS.partOf]: PART_OF,
    [LABELS.managedBy]: MANAGED_BY,
  };
}

/** The labels a workload's selector and its Service match on (immutable: keep them few). */
export function selectorLabels(name: string): Record<string, string> {
  return { [LABELS.name]: name, [LABELS.partOf]: PART_OF };
}

export function meta(component: ComponentName, name: string, extra: Partial<ObjectMeta> = {}): ObjectMeta {
  const { labels, ...rest } = extra;
  return {
    name: dnsLabel(name),
    namespace: NAMESPACE,
    labels: { ...componentLabels(component, name), ...labels },
    ...rest,
  };
}

export function resources(s: Sizing): V1ResourceRequirements {
  return { requests: { ...s.requests }, limits: { ...s.limits } };
}

/** Pod Security `restricted`, for every container. */
export function restrictedSecurityContext(): NonNullable<V1Container['securityContext']> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function podSecurityContext(uid: number, gid: number = uid): NonNullable<V1PodSpec['securityContext']> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: V1EnvVar[];
  ports?: { name: string; containerPort: number }[];
  sizing: Sizing;
  liveness: V1Probe;
  readiness: V1Probe;
  startup?: V1Probe;
  mounts?: V1VolumeMount[];
  workingDir?: string;
}

export function container(s: ContainerSpec): V1Container {
  return containerOf(s);
}

/** A container that runs to completion before the others (same security baseline, no probes). */
export function initContainer(s: Omit<ContainerSpec, 'liveness' | 'readiness' | 'startup' | 'ports'>): V1Container {
  return containerOf(s);
}

function containerOf(s: Omit<ContainerSpec, 'liveness' | 'readiness'> & Partial<ContainerSpec>): V1Container {
  return {
    name: dnsLabel(s.name),
    image: s.image,
    imagePullPolicy: 'IfNotPresent',
    command: s.command,
    args: s.args,
    workingDir: s.workingDir,
    env: s.env?.length ? s.env : undefined,
    ports: s.ports?.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    resources: resources(s.sizing),
    startupProbe: s.startup,
    livenessProbe: s.liveness,
    readinessProbe: s.readiness,
    securityContext: restrictedSecurityContext(),
    volumeMounts: s.mounts?.length ? s.mounts : undefined,
  };
}

interface ProbeTiming {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

const timing = (t: ProbeTiming): ProbeTiming => ({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6, ...t });

export function httpProbe(path: string, port: string | number, t: ProbeTiming = {}): V1Probe {
  return { httpGet: { path, port }, ...timing(t) };
}

export function tcpProbe(port: string | number, t: ProbeTiming = {}): V1Probe {
  return { tcpSocket: { port }, ...timing(t) };
}

export function execProbe(command: string[], t: ProbeTiming = {}): V1Probe {
  return { exec: { command }, ...timing(t) };
}

export function emptyDir(name: string, sizeLimit = '256Mi'): V1Volume {
  return { name, emptyDir: { sizeLimit } };
}

export function secretEnv(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function env(vars: Record<string, string>): V1EnvVar[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}

export interface PodSpecInput {
  uid: number;
  gid?: number;
  containers: V1Container[];
  initContainers?: V1Container[];
  volumes?: V1Volume[];
  serviceAccountName?: string;
  /** Spread replicas over nodes (prod). */
  antiAffinityFor?: string;
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
  /** One process namespace for the pod's containers (a sidecar that signals the main process). */
  shareProcessNamespace?: boolean;
}

export function podSpec(p: PodSpecInput): V1PodSpec {
  return {
    serviceAccountName: p.serviceAccountName,
    automountServiceAccountToken: p.serviceAccountName ? undefined : false,
    enableServiceLinks: p.enableServiceLinks ?? false,
    securityContext: podSecurityContext(p.uid, p.gid),
    terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
    shareProcessNamespace: p.shareProcessNamespace,
    affinity: p.antiAffinityFor
      ? {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: selectorLabels(p.antiAffinityFor) },
                },
              },
            ],
          },
        }
      : undefined,
    initContainers: p.initContainers?.length ? p.initContainers : undefined,
    containers: p.containers,
    volumes: p.volumes?.length ? p.volumes : undefined,
  };
}

/** What every workload kind is made of. */
interface WorkloadInput {
  component: ComponentName;
  /** Default: the component's name. */
  name?: string;
  replicas: number;
  pod: PodSpecInput;
  podAnnotations?: Record<string, string>;
}

/** A workload's selector and the pod template it selects (labels, annotations, spec). */
function selectedPods(w: WorkloadInput, name: string) {
  return {
    selector: { matchLabels: selectorLabels(name) },
    template: {
      metadata: { labels: componentLabels(w.component, name), annotations: w.podAnnotations },
      spec: podSpec(w.pod),
    },
  };
}

export interface VolumeClaim {
  name: string;
  size: string;
  storageClassName?: string;
}

export interface StatefulSetInput extends WorkloadInput {
  /** The headless Service that gives each pod a stable DNS name. */
  serviceName: string;
  volumeClaims?: VolumeClaim[];
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
}

export function statefulSet(s: StatefulSetInput): KubeObject {
  const name = s.name ?? s.component;
  return obj({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(s.component, name),
    spec: {
      replicas: s.replicas,
      serviceName: s.serviceName,
      podManagementPolicy: s.podManagementPolicy ?? 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      ...selectedPods(s, name),
      volumeClaimTemplates: s.volumeClaims?.map((v) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: v.name, labels: componentLabels(s.component, name) },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: v.storageClassName,
          resources: { requests: { storage: v.size } },
        },
      })),
    },
  });
}

export interface DeploymentInput extends WorkloadInput {
  /** Recreate for single-writer workloads on a ReadWriteOnce volume. */
  strategy?: 'RollingUpdate' | 'Recreate';
}

export function deployment(d: DeploymentInput): KubeObject {
  const name = d.name ?? d.component;
  return obj({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(d.component, name),
    spec: {
      replicas: d.replicas,
      revisionHistoryLimit: 3,
      strategy: { type: d.strategy ?? 'RollingUpdate' },
      ...selectedPods(d, name),
    },
  });
}

export interface ServiceInput {
  component: ComponentName;
  name?: string;
  /** Which workload's pods it selects (default: the service name). */
  selects?: string;
  ports: { name: string; port: number; targetPort?: number | string }[];
  headless?: boolean;
  publishNotReadyAddresses?: boolean;
}

export function service(s: ServiceInput): KubeObject {
  const name = s.name ?? s.component;
  return obj({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(s.component, name),
    spec: {
      type: 'ClusterIP',
      clusterIP: s.headless ? 'None' : undefined,
      publishNotReadyAddresses: s.publishNotReadyAddresses,
      selector: selectorLabels(s.selects ?? s.component),
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.name, protocol: 'TCP' })),
    },
  });
}

export function podDisruptionBudget(
  component: ComponentName,
  name: string = component,
  maxUnavailable = 1,
): KubeObject {
  return obj({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(component, name),
    spec: { maxUnavailable, selector: { matchLabels: selectorLabels(name) } },
  });
}

export function configMap(component: ComponentName, name: string, data: Record<string, string>): KubeObject {
  return obj({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(component, name), data });
}

export function serviceAccount(component: ComponentName, name: string = component, automount = false): KubeObject {
  return obj({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(component, name),
    automountServiceAccountToken: automount,
  });
}

/**
 * A short stable hash of configuration files, put on a pod template annotation so
 * that a config change rolls the pods (ConfigMaps are generated without name hashes
 * to keep names stable for consumers and reviewers).
 */
export function configHash(files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(files).sort()) h.update(`${key}\0${files[key]}\0`);
  return h.digest('hex').slice(0, 16);
}

export const CONFIG_HASH_ANNOTATION = 'soma.sh/config-hash';
