// OpenFGA: relationship-based authorization (openfga.soma-infra.svc:8080 HTTP, :8081
// gRPC). Optional: no shipped cluster enables it, but it is complete so enabling it is
// one line in a cluster.yaml.
//
// Its datastore is the shared Postgres; the connection URI (with credentials) comes
// from the Secret in OPENFGA_SERVICE.secrets, which an operator or the bootstrap
// provides. Every pod first runs `openfga migrate` as an init container: the migrations
// are idempotent, so a restarted or added replica re-runs them harmlessly, and the
// server never starts against an old schema (no separate Job to order with a sync wave).
// Authentication is OpenFGA's default (none): the NetworkPolicy admits only namespaces
// labelled soma.sh/allow-shared-infra=true; an operator who needs more sets
// OPENFGA_AUTHN_METHOD=preshared with keys from a Secret.
import type { KubeObject, V1Container, V1EnvVar } from '../kube.ts';
import type { Environment } from '../names.ts';
import { contractService, headlessService } from './services.ts';
import { namedPort, type ComponentSpec, type ServiceSpec } from './spec.ts';
import {
  container,
  deployment,
  emptyDir,
  env,
  httpProbe,
  initContainer,
  podDisruptionBudget,
  secretEnv,
  tcpProbe,
  type Sizing,
} from './workload.ts';

/** Official image; the v1.18.3 tag was confirmed from public references pinning it by digest (sha256:01a6000a…). */
export const OPENFGA_IMAGE = 'docker.io/openfga/openfga:v1.18.3';
/** The consumer contract and internal ports (docs/contracts.md). */
export const OPENFGA_SERVICE: ServiceSpec = {
  port: 8080,
  secrets: [{ name: 'soma-infra-openfga-datastore', keys: ['uri'] }],
  extraClient: [{ name: 'grpc', port: 8081 }],
  metrics: { port: 2112, path: '/metrics' },
};
/** The image is built on cgr.dev/chainguard/static, whose non-root user is 65532. */
const UID = 65532;

interface OpenFgaProfile {
  replicas: number;
  sizing: Sizing;
  /** Per replica; replicas × this must stay well under Postgres' max_connections, which other consumers share. */
  maxOpenConns: number;
  disruptionBudget: boolean;
}

const PROFILES: Record<Environment, OpenFgaProfile> = {
  dev: {
    replicas: 1,
    sizing: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    maxOpenConns: 10,
    disruptionBudget: false,
  },
  staging: {
    replicas: 2,
    sizing: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    maxOpenConns: 15,
    disruptionBudget: false,
  },
  prod: {
    replicas: 3,
    sizing: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    maxOpenConns: 20,
    disruptionBudget: true,
  },
};

/** The migration is short and light; the same in every environment. */
const MIGRATE_SIZING: Sizing = { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };

const HTTP = { name: 'http', port: OPENFGA_SERVICE.port };
const GRPC = namedPort(OPENFGA_SERVICE.extraClient, 'grpc');
const METRICS = { name: 'metrics', port: OPENFGA_SERVICE.metrics.port };
const DATASTORE_SECRET = OPENFGA_SERVICE.secrets[0]!;

/** What both the migration and the server need to reach the datastore. */
function datastoreEnv(): V1EnvVar[] {
  return [
    ...env({ OPENFGA_DATASTORE_ENGINE: 'postgres' }),
    secretEnv('OPENFGA_DATASTORE_URI', DATASTORE_SECRET.name, 'uri'),
  ];
}

function serverContainer(p: OpenFgaProfile): V1Container {
  return container({
    name: 'openfga',
    image: OPENFGA_IMAGE,
    args: ['run'],
    env: [
      ...datastoreEnv(),
      ...env({
        OPENFGA_DATASTORE_MAX_OPEN_CONNS: String(p.maxOpenConns),
        OPENFGA_HTTP_ADDR: `0.0.0.0:${HTTP.port}`,
        OPENFGA_GRPC_ADDR: `0.0.0.0:${GRPC.port}`,
        OPENFGA_METRICS_ENABLED: 'true',
        OPENFGA_METRICS_ADDR: `0.0.0.0:${METRICS.port}`,
        // The playground is a browser UI on a fourth port: not for shared infrastructure.
        OPENFGA_PLAYGROUND_ENABLED: 'false',
        OPENFGA_LOG_FORMAT: 'json',
        OPENFGA_LOG_LEVEL: 'info',
      }),
    ],
    ports: [
      { name: HTTP.name, containerPort: HTTP.port },
      { name: GRPC.name, containerPort: GRPC.port },
      { name: METRICS.name, containerPort: METRICS.port },
    ],
    sizing: p.sizing,
    // Liveness only asks whether the process serves; /healthz also checks the datastore,
    // and a Postgres outage must take replicas out of the Service, not restart them.
    liveness: tcpProbe(HTTP.name),
    readiness: httpProbe('/healthz', HTTP.name, { periodSeconds: 5, failureThreshold: 3 }),
    mounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
}

function migrateContainer(): V1Container {
  return initContainer({
    name: 'migrate',
    image: OPENFGA_IMAGE,
    args: ['migrate'],
    env: datastoreEnv(),
    sizing: MIGRATE_SIZING,
    mounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
}

function build(envName: Environment): KubeObject[] {
  const p = PROFILES[envName];
  const objects: KubeObject[] = [
    contractService('openfga', OPENFGA_SERVICE, HTTP.name),
    // Prometheus resolves this name to every replica (DNS service discovery), its only user.
    headlessService('openfga', OPENFGA_SERVICE, { carries: ['metrics'] }),
    deployment({
      component: 'openfga',
      replicas: p.replicas,
      pod: {
        uid: UID,
        initContainers: [migrateContainer()],
        containers: [serverContainer(p)],
        volumes: [emptyDir('tmp', '16Mi')],
        antiAffinityFor: p.replicas > 1 ? 'openfga' : undefined,
      },
    }),
  ];
  if (p.disruptionBudget) objects.push(podDisruptionBudget('openfga'));
  return objects;
}

export const openfga: ComponentSpec = {
  name: 'openfga',
  description: 'OpenFGA relationship-based authorization (optional), Postgres datastore, migrations on start',
  tier: 'policy',
  uid: UID,
  service: OPENFGA_SERVICE,
  dependsOn: [{ component: 'postgres', why: 'OpenFGA stores its data in Postgres' }],
  dashboard: null,
  smoke: [],
  sourceFiles: [],
  images: [{ role: 'openfga server and migration', image: OPENFGA_IMAGE }],
  build,
};
