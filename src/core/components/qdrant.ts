// Qdrant: the vector store used by SomaFractalMemory (qdrant.soma-infra.svc:6333 REST,
// :6334 gRPC; docs/contracts.md).
//
// A single node in every environment: distributed mode needs per-collection replication
// factors chosen by the consumer and a bootstrap peer, which is a decision for when one
// node stops being enough. The unprivileged image variant runs as uid 1000; every
// setting comes from QDRANT__* environment variables, so the read-only image config
// stays untouched and only the data volume and /tmp are writable.
import type { KubeObject, V1Container } from '../kube.ts';
import type { Environment } from '../names.ts';
import { headlessServiceName, namedPort, type ComponentSpec, type ServiceSpec } from './spec.ts';
import { contractService, headlessService } from './services.ts';
import { container, emptyDir, env, httpProbe, statefulSet, type Sizing } from './workload.ts';
import { qdrantDashboard } from './dashboards/qdrant.ts';

export const QDRANT_IMAGES = {
  qdrant: 'docker.io/qdrant/qdrant:v1.19.1-unprivileged',
} as const;

interface QdrantProfile {
  qdrant: Sizing;
  storage: string;
}

const PROFILES: Record<Environment, QdrantProfile> = {
  dev: {
    qdrant: { requests: { cpu: '150m', memory: '384Mi' }, limits: { cpu: '750m', memory: '768Mi' } },
    storage: '5Gi',
  },
  staging: {
    qdrant: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    storage: '20Gi',
  },
  prod: {
    qdrant: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
    storage: '50Gi',
  },
};

const NAME = 'qdrant';
/** The consumer contract and internal ports (docs/contracts.md). */
export const QDRANT_SERVICE: ServiceSpec = {
  port: 6333,
  secrets: [],
  extraClient: [{ name: 'grpc', port: 6334 }],
  metrics: { port: 6333, path: '/metrics' },
  peer: [{ name: 'p2p', port: 6335 }],
};
/** The user and group the -unprivileged image is built with (USER_ID=1000). */
const UID = 1000;
const HTTP_PORT = QDRANT_SERVICE.port;
const GRPC = namedPort(QDRANT_SERVICE.extraClient, 'grpc');
const DATA = '/qdrant/data';

/** Qdrant's settings; subdirectories of the volume keep its mount root (lost+found) out of the storage path. */
export const QDRANT_SETTINGS: Record<string, string> = {
  QDRANT__SERVICE__HTTP_PORT: String(HTTP_PORT),
  QDRANT__SERVICE__GRPC_PORT: String(GRPC.port),
  QDRANT__STORAGE__STORAGE_PATH: `${DATA}/storage`,
  QDRANT__STORAGE__SNAPSHOTS_PATH: `${DATA}/snapshots`,
  // shared infrastructure does not report usage to a third party
  QDRANT__TELEMETRY_DISABLED: 'true',
  // the "started" marker (used by the image's OOM recovery mode) would otherwise go to the read-only working directory
  QDRANT_INIT_FILE_PATH: '/tmp/.qdrant-initialized',
};

function qdrantContainer(p: QdrantProfile): V1Container {
  return container({
    name: NAME,
    image: QDRANT_IMAGES.qdrant,
    env: env(QDRANT_SETTINGS),
    ports: [
      { name: 'http', containerPort: HTTP_PORT },
      { name: GRPC.name, containerPort: GRPC.port },
    ],
    sizing: p.qdrant,
    // the REST listener opens only after every collection is loaded from disk
    startup: httpProbe('/livez', 'http', { periodSeconds: 5, failureThreshold: 120 }),
    liveness: httpProbe('/livez', 'http', { periodSeconds: 10, failureThreshold: 6 }),
    readiness: httpProbe('/readyz', 'http', { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [
      { name: 'data', mountPath: DATA },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  });
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  return [
    contractService(NAME, QDRANT_SERVICE),
    // A single node never opens its p2p (cluster) port.
    headlessService(NAME, QDRANT_SERVICE, { carries: ['client', 'metrics'] }),
    statefulSet({
      component: NAME,
      replicas: 1,
      serviceName: headlessServiceName(NAME),
      pod: {
        uid: UID,
        containers: [qdrantContainer(p)],
        volumes: [emptyDir('tmp')],
        terminationGracePeriodSeconds: 30,
      },
      volumeClaims: [{ name: 'data', size: p.storage }],
    }),
  ];
}

export const qdrant: ComponentSpec = {
  name: NAME,
  description: 'Qdrant vector store (REST 6333, gRPC 6334), single node on a PVC',
  tier: 'store',
  uid: UID,
  service: QDRANT_SERVICE,
  dependsOn: [],
  dashboard: qdrantDashboard,
  smoke: [],
  sourceFiles: [],
  images: [{ role: 'vector database', image: QDRANT_IMAGES.qdrant }],
  build,
};
