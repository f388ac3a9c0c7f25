// etcd: the shared coordination store (etcd.soma-infra.svc:2379).
//
// One StatefulSet whose pods are the members: one in dev, three in staging and prod.
// Staging runs the real quorum too: three small members cost little, and a quorum bug
// found in staging is not found in prod. The initial cluster is derived from the replica
// count; it is read only when a member bootstraps an empty data directory, so changing
// the size of a running cluster is an operator task (`etcdctl member add/remove`) — the
// derived string only has to be right for a fresh cluster.
//
// Client traffic on 2379 is what the contract Service carries; peers talk on 2380 over
// the headless Service; /metrics, /livez and /readyz are served on a separate plain-HTTP
// listener on 2381 that probes and Prometheus use.
import { InternalError } from '../errors.ts';
import type { KubeObject, V1Container } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import { headlessServiceName, namedPort, type ComponentSpec, type ServiceSpec } from './spec.ts';
import { contractService, headlessService } from './services.ts';
import { container, httpProbe, podDisruptionBudget, statefulSet, type Sizing } from './workload.ts';
import { etcdSmoke } from '../smoke/checks/etcd.ts';
import { etcdDashboard } from './dashboards/etcd.ts';

/** The project publishes to us-docker.pkg.dev/etcd-development (primary) and quay.io/coreos (secondary). */
export const ETCD_IMAGE = 'quay.io/coreos/etcd:v3.6.16';

interface EtcdProfile {
  /** Members: 1 or an odd number. */
  replicas: number;
  sizing: Sizing;
  storage: string;
  /** --quota-backend-bytes: the database size at which etcd raises NOSPACE; kept under the volume size. */
  quotaBackendBytes: number;
  /** Spread members over nodes; in prod also a PodDisruptionBudget. */
  antiAffinity: boolean;
  disruptionBudget: boolean;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const PROFILES: Record<Environment, EtcdProfile> = {
  dev: {
    replicas: 1,
    sizing: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    storage: '1Gi',
    quotaBackendBytes: 512 * MiB,
    antiAffinity: false,
    disruptionBudget: false,
  },
  staging: {
    replicas: 3,
    sizing: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storage: '4Gi',
    quotaBackendBytes: 2 * GiB,
    antiAffinity: true,
    disruptionBudget: false,
  },
  prod: {
    replicas: 3,
    sizing: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    storage: '10Gi',
    quotaBackendBytes: 4 * GiB,
    antiAffinity: true,
    disruptionBudget: true,
  },
};

const NAME = 'etcd';
/** The consumer contract and internal ports (docs/contracts.md). */
export const ETCD_SERVICE: ServiceSpec = {
  port: 2379,
  secrets: [],
  metrics: { port: 2381, path: '/metrics' },
  peer: [{ name: 'peer', port: 2380 }],
};
/** `nonroot` of the distroless base image (the image itself declares no user). */
const UID = 65532;
const CLIENT_PORT = ETCD_SERVICE.port;
const PEER_PORT = namedPort(ETCD_SERVICE.peer, 'peer').port;
const METRICS_PORT = ETCD_SERVICE.metrics.port;
const HEADLESS = headlessServiceName(NAME);
const DATA_MOUNT = '/var/lib/etcd';
/** A subdirectory that etcd creates itself with mode 0700 (and away from the volume's lost+found). */
export const DATA_DIR = `${DATA_MOUNT}/data`;
const CLUSTER_TOKEN = 'soma-infra-etcd';

/** The stable DNS name of pod `etcd-<ordinal>` behind the headless Service. */
export function etcdPodHost(ordinal: number): string {
  return `${NAME}-${ordinal}.${HEADLESS}.${NAMESPACE}.svc.cluster.local`;
}

/** --initial-cluster: `etcd-<i>=http://<pod host>:2380` for every member. */
export function initialCluster(replicas: number): string {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new InternalError(`etcd replicas must be a positive integer, got ${replicas}`);
  return Array.from({ length: replicas }, (_, i) => `${NAME}-${i}=http://${etcdPodHost(i)}:${PEER_PORT}`).join(',');
}

function args(p: EtcdProfile): string[] {
  // $(POD_NAME) is expanded by the kubelet from the container's environment.
  const self = `$(POD_NAME).${HEADLESS}.${NAMESPACE}.svc.cluster.local`;
  return [
    '--name=$(POD_NAME)',
    `--data-dir=${DATA_DIR}`,
    `--listen-client-urls=http://0.0.0.0:${CLIENT_PORT}`,
    `--advertise-client-urls=http://${self}:${CLIENT_PORT}`,
    `--listen-peer-urls=http://0.0.0.0:${PEER_PORT}`,
    `--initial-advertise-peer-urls=http://${self}:${PEER_PORT}`,
    `--listen-metrics-urls=http://0.0.0.0:${METRICS_PORT}`,
    `--initial-cluster=${initialCluster(p.replicas)}`,
    '--initial-cluster-state=new',
    `--initial-cluster-token=${CLUSTER_TOKEN}`,
    `--quota-backend-bytes=${p.quotaBackendBytes}`,
    // Keep one hour of history; without compaction the keyspace grows until NOSPACE.
    '--auto-compaction-mode=periodic',
    '--auto-compaction-retention=1h',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

function member(p: EtcdProfile): V1Container {
  return container({
    name: NAME,
    image: ETCD_IMAGE,
    command: ['/usr/local/bin/etcd'],
    args: args(p),
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    ports: [
      { name: 'client', containerPort: CLIENT_PORT },
      { name: 'peer', containerPort: PEER_PORT },
      { name: 'metrics', containerPort: METRICS_PORT },
    ],
    sizing: p.sizing,
    // /readyz needs a quorum (linearizable read): a new cluster waits for its peers.
    startup: httpProbe('/readyz', 'metrics', { periodSeconds: 5, failureThreshold: 60 }),
    // /livez checks only the local member, so a lost quorum never turns into a restart loop.
    liveness: httpProbe('/livez', 'metrics', { periodSeconds: 10, failureThreshold: 8 }),
    readiness: httpProbe('/readyz', 'metrics', { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [{ name: 'data', mountPath: DATA_MOUNT }],
  });
}

function members(p: EtcdProfile): KubeObject {
  return statefulSet({
    component: NAME,
    replicas: p.replicas,
    serviceName: HEADLESS,
    // A new member waits for its peers before it is ready; ordered start-up would never start them.
    podManagementPolicy: 'Parallel',
    pod: {
      uid: UID,
      containers: [member(p)],
      antiAffinityFor: p.antiAffinity ? NAME : undefined,
    },
    volumeClaims: [{ name: 'data', size: p.storage }],
  });
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  const objects = [
    contractService(NAME, ETCD_SERVICE, 'client'),
    // Members must resolve each other's names before any of them is ready.
    headlessService(NAME, ETCD_SERVICE, { portName: 'client', publishNotReadyAddresses: true }),
    members(p),
  ];
  // One member at a time: a three-member cluster keeps its quorum through a drain.
  if (p.disruptionBudget) objects.push(podDisruptionBudget(NAME, NAME, 1));
  return objects;
}

export const etcd: ComponentSpec = {
  name: NAME,
  description: 'etcd 3.6 key-value store: 1 member in dev, a 3-member quorum in staging and prod',
  tier: 'store',
  uid: UID,
  service: ETCD_SERVICE,
  dependsOn: [],
  dashboard: etcdDashboard,
  smoke: [etcdSmoke],
  sourceFiles: [],
  images: [{ role: 'etcd member', image: ETCD_IMAGE }],
  build,
};
