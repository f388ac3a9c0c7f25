// Postgres: the shared relational store (postgres.soma-infra.svc:5432), run by the
// CloudNativePG operator (cnpg.ts) as a `postgresql.cnpg.io/v1` Cluster: 1 instance in
// dev, 2 in staging, 3 in prod. The operator streams WAL to the replicas, makes the
// PodDisruptionBudgets, fails over to the most advanced replica and moves the Services
// with the primary, so none of that is hand-written here.
//
// The contract is unchanged: Service `postgres` always selects the primary (a managed
// additional Service with the `rw` selector; the default `-r` and `-ro` Services are
// off), and the owner logs in with Secret soma-infra-postgres-credentials, which initdb
// reads (CloudNativePG wants it of type kubernetes.io/basic-auth, username = owner).
// CloudNativePG's own exporter serves `cnpg_*` metrics on 9187 of every instance;
// Prometheus finds the instances through the headless Service, like every component.
// Backups (WAL archiving and a daily base backup) are per cluster: postgres-backup.ts.
import type { KubeObject } from '../kube.ts';
import { LABELS, type Environment } from '../names.ts';
import { headlessService } from './services.ts';
import { postgresDashboard } from './dashboards/postgres.ts';
import type { ComponentSpec, ServiceSpec } from './spec.ts';
import { componentLabels, meta, type Sizing } from './workload.ts';
import { postgresSmoke } from '../smoke/checks/postgres.ts';
import { CNPG_CLUSTER_API } from './cnpg.ts';
import { postgresForCluster } from './postgres-backup.ts';

export { CNPG_CLUSTER_API };

export const POSTGRES_IMAGES = {
  /** CloudNativePG's operand image (system flavour: carries barman-cloud for in-tree backups); 1.30.0's default. */
  postgres: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
} as const;

type AntiAffinity = 'none' | 'preferred' | 'required';

interface PostgresProfile {
  instances: number;
  sizing: Sizing;
  storage: string;
  sharedBuffers: string;
  maxConnections: number;
  /** Spread the instances over nodes: a wish (preferred) or a rule (required). */
  antiAffinity: AntiAffinity;
}

const PROFILES: Record<Environment, PostgresProfile> = {
  dev: {
    instances: 1,
    sizing: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storage: '5Gi',
    sharedBuffers: '128MB',
    maxConnections: 100,
    antiAffinity: 'none',
  },
  staging: {
    instances: 2,
    sizing: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    storage: '10Gi',
    sharedBuffers: '256MB',
    maxConnections: 150,
    antiAffinity: 'preferred',
  },
  prod: {
    instances: 3,
    sizing: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    storage: '50Gi',
    sharedBuffers: '1GB',
    maxConnections: 200,
    antiAffinity: 'required',
  },
};

const NAME = 'postgres';
/** The consumer contract and internal ports (docs/contracts.md). */
export const POSTGRES_SERVICE: ServiceSpec = {
  port: 5432,
  secrets: [
    {
      name: 'soma-infra-postgres-credentials',
      keys: ['username', 'password', 'database'],
      // initdb reads the owner's password from it; CloudNativePG's documented type (it reads username and password).
      type: 'kubernetes.io/basic-auth',
    },
  ],
  metrics: { port: 9187, path: '/metrics' },
  // The primary's liveness probe asks its replicas' instance managers on 8000 (isolation check).
  peer: [{ name: 'status', port: 8000 }],
  // The operator asks each instance manager for its status (HTTPS) on 8000.
  managedBy: { component: 'cnpg', ports: [{ name: 'status', port: 8000 }] },
  // The instance manager watches its Cluster through the API server; WAL and base backups go to the object store.
  egress: [
    { name: 'https', port: 443, why: 'the Kubernetes API (instance manager) and the backup object store over HTTPS' },
    { name: 'apiserver', port: 6443, why: 'the Kubernetes API server where it listens on 6443 (kubeadm, Kind)' },
  ],
};
/** The postgres user of CloudNativePG's operand images. */
const UID = 26;
/** The application database and its owner that initdb creates; the credentials Secret names them (username, database). */
export const APP_DATABASE = { database: 'soma', owner: 'soma' } as const;
/** WAL is switched and archived at least this often, so a lost primary loses at most this much plus the upload. */
export const ARCHIVE_TIMEOUT = '5min';

function inheritedLabels(): Record<string, string> {
  const { [LABELS.managedBy]: _operatorManages, ...labels } = componentLabels(NAME);
  return labels;
}

function affinity(a: AntiAffinity): Record<string, unknown> | undefined {
  if (a === 'none') return undefined;
  return { enablePodAntiAffinity: true, podAntiAffinityType: a, topologyKey: 'kubernetes.io/hostname' };
}

export function buildPostgresCluster(env: Environment): KubeObject {
  const p = PROFILES[env];
  const credentials = POSTGRES_SERVICE.secrets[0]!.name;
  return {
    apiVersion: CNPG_CLUSTER_API,
    kind: 'Cluster',
    metadata: meta(NAME, NAME),
    spec: {
      instances: p.instances,
      imageName: POSTGRES_IMAGES.postgres,
      // Pods, PVCs and Services the operator makes carry the component's labels (NetworkPolicies,
      // Prometheus); these replace CloudNativePG's own name/component labels, which nothing selects
      // on (its Services and PDBs select by cnpg.io/* labels). managed-by stays the operator's.
      inheritedMetadata: { labels: inheritedLabels() },
      enableSuperuserAccess: false,
      // One instance in dev: a PDB on the lone primary would only block the node's drains.
      enablePDB: p.instances > 1,
      primaryUpdateStrategy: 'unsupervised',
      postgresql: {
        parameters: {
          shared_buffers: p.sharedBuffers,
          max_connections: String(p.maxConnections),
          archive_timeout: ARCHIVE_TIMEOUT,
        },
      },
      bootstrap: {
        initdb: { database: APP_DATABASE.database, owner: APP_DATABASE.owner, secret: { name: credentials } },
      },
      storage: { size: p.storage },
      resources: { requests: { ...p.sizing.requests }, limits: { ...p.sizing.limits } },
      affinity: affinity(p.antiAffinity),
      managed: {
        services: {
          disabledDefaultServices: ['ro', 'r'],
          additional: [
            {
              selectorType: 'rw',
              serviceTemplate: { metadata: { name: NAME, labels: componentLabels(NAME) }, spec: { type: 'ClusterIP' } },
            },
          ],
        },
      },
    },
  };
}

function build(env: Environment): KubeObject[] {
  return [
    // Prometheus finds every instance's exporter through it; the operator's Services carry only 5432.
    headlessService(NAME, POSTGRES_SERVICE, { portName: 'postgresql', carries: ['metrics'] }),
    buildPostgresCluster(env),
  ];
}

export const postgres: ComponentSpec = {
  name: NAME,
  description:
    'PostgreSQL 18 as a CloudNativePG Cluster (1 / 2 / 3 instances), contract Service on the primary, cnpg_* metrics',
  tier: 'store',
  uid: UID,
  service: POSTGRES_SERVICE,
  dependsOn: [{ component: 'cnpg', why: 'the CloudNativePG operator runs the Cluster' }],
  dashboard: postgresDashboard,
  smoke: [postgresSmoke],
  sourceFiles: [],
  images: [{ role: 'database instances (and the smoke client)', image: POSTGRES_IMAGES.postgres }],
  build,
  forCluster: postgresForCluster,
};
