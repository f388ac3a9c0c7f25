// Postgres: the shared relational store (postgres.soma-infra.svc:5432).
//
// One primary in every environment. Streaming replication without an operator means
// hand-written failover and fencing, which fails worse than a single instance with a
// PVC and tested dumps; HA is an operator's job (CloudNativePG) when it is needed.
// prod therefore protects the one pod instead: a PodDisruptionBudget that makes node
// drains wait for an operator, and a scheduled pg_dump to its own volume.
import {
  obj,
  type KubeObject,
  type V1Container,
  type V1CronJob,
  type V1EnvVar,
  type V1PersistentVolumeClaim,
  type V1Probe,
} from '../kube.ts';
import { ANNOTATIONS, type Environment } from '../names.ts';
import { contractService, headlessService } from './services.ts';
import { postgresDashboard } from './dashboards/postgres.ts';
import { headlessServiceName, serviceDns, type ComponentSpec, type ServiceSpec } from './spec.ts';
import {
  componentLabels,
  container,
  emptyDir,
  env,
  execProbe,
  initContainer,
  meta,
  podDisruptionBudget,
  podSpec,
  secretEnv,
  statefulSet,
  tcpProbe,
  type Sizing,
} from './workload.ts';
import { postgresSmoke } from '../smoke/checks/postgres.ts';

export const POSTGRES_IMAGES = {
  postgres: 'docker.io/library/postgres:18.6-trixie',
  exporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
} as const;

interface BackupProfile {
  /** Cron schedule, UTC. */
  schedule: string;
  /** How many dumps to keep on the backup volume. */
  keep: number;
  size: string;
  sizing: Sizing;
}

interface PostgresProfile {
  postgres: Sizing;
  exporter: Sizing;
  storage: string;
  sharedBuffers: string;
  maxConnections: number;
  /** Make voluntary evictions (node drains) wait for an operator. */
  disruptionBudget: boolean;
  backup: BackupProfile | null;
}

const PROFILES: Record<Environment, PostgresProfile> = {
  dev: {
    postgres: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    storage: '5Gi',
    sharedBuffers: '128MB',
    maxConnections: 100,
    disruptionBudget: false,
    backup: null,
  },
  staging: {
    postgres: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    storage: '10Gi',
    sharedBuffers: '256MB',
    maxConnections: 150,
    disruptionBudget: false,
    backup: null,
  },
  prod: {
    postgres: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    exporter: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    storage: '50Gi',
    sharedBuffers: '1GB',
    maxConnections: 200,
    disruptionBudget: true,
    backup: {
      schedule: '15 */6 * * *',
      keep: 28,
      size: '50Gi',
      sizing: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    },
  },
};

const NAME = 'postgres';
const BACKUP_NAME = 'postgres-backup';
/** The consumer contract and internal ports (docs/contracts.md). */
export const POSTGRES_SERVICE: ServiceSpec = {
  port: 5432,
  secrets: [{ name: 'soma-infra-postgres-credentials', keys: ['username', 'password', 'database'] }],
  metrics: { port: 9187, path: '/metrics' },
};
/** The postgres user and group of the Debian-based official image. */
const UID = 999;
const PORT = POSTGRES_SERVICE.port;
const METRICS = POSTGRES_SERVICE.metrics;
const CREDENTIALS = POSTGRES_SERVICE.secrets[0]!.name;
/** Keys of the credentials Secret (docs/contracts.md: username, password, database). */
export const CREDENTIAL_KEYS = { user: 'username', password: 'password', database: 'database' } as const;
const DATA_ROOT = '/var/lib/postgresql';
// The 18+ images keep the cluster in a major-versioned subdirectory of the volume, which
// keeps it off the mount root (lost+found) and leaves room for pg_upgrade --link.
export const PGDATA = `${DATA_ROOT}/18/docker`;
const BACKUP_DIR = '/backup';
/**
 * Memory-backed /dev/shm for parallel query workers (the runtime's default is 64Mi). The
 * same everywhere: it costs memory only when used, and counts against the container limit.
 */
const SHM_SIZE = '256Mi';

function credentialEnv(names: { user: string; password: string; database: string }): V1EnvVar[] {
  return [
    secretEnv(names.user, CREDENTIALS, CREDENTIAL_KEYS.user),
    secretEnv(names.password, CREDENTIALS, CREDENTIAL_KEYS.password),
    secretEnv(names.database, CREDENTIALS, CREDENTIAL_KEYS.database),
  ];
}

// Probes run in the container's environment, so a shell is needed only to expand the user and database.
const pgIsReady = (t: Parameters<typeof execProbe>[1]): V1Probe =>
  execProbe(['sh', '-c', `exec pg_isready -q -h 127.0.0.1 -p ${PORT} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`], t);

function postgresContainer(p: PostgresProfile): V1Container {
  const c = container({
    name: NAME,
    image: POSTGRES_IMAGES.postgres,
    args: ['postgres', '-c', `shared_buffers=${p.sharedBuffers}`, '-c', `max_connections=${p.maxConnections}`],
    env: [
      ...credentialEnv({ user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD', database: 'POSTGRES_DB' }),
      ...env({ PGDATA }),
    ],
    ports: [{ name: 'postgres', containerPort: PORT }],
    sizing: p.postgres,
    // initdb on first start and crash recovery after an unclean stop can take minutes
    startup: pgIsReady({ periodSeconds: 5, failureThreshold: 60 }),
    liveness: pgIsReady({ periodSeconds: 10, failureThreshold: 6 }),
    readiness: pgIsReady({ periodSeconds: 5, failureThreshold: 3 }),
    mounts: [
      { name: 'data', mountPath: DATA_ROOT },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'shm', mountPath: '/dev/shm' },
    ],
  });
  // Kubernetes stops with SIGTERM (smart shutdown: waits for every client); ask for a fast,
  // clean shutdown instead so a rollout never ends in SIGKILL and crash recovery.
  return {
    ...c,
    lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exec pg_ctl stop -D "$PGDATA" -m fast -w -t 50'] } } },
  };
}

function exporterContainer(p: PostgresProfile): V1Container {
  return container({
    name: 'exporter',
    image: POSTGRES_IMAGES.exporter,
    args: [`--web.listen-address=:${METRICS.port}`, `--web.telemetry-path=${METRICS.path}`],
    env: [
      ...credentialEnv({ user: 'DATA_SOURCE_USER', password: 'DATA_SOURCE_PASS', database: 'PG_DATABASE' }),
      // $(PG_DATABASE) is expanded by the kubelet from the variable defined just above
      { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${PORT}/$(PG_DATABASE)?sslmode=disable` },
    ],
    ports: [{ name: 'metrics', containerPort: METRICS.port }],
    sizing: p.exporter,
    liveness: tcpProbe('metrics'),
    readiness: tcpProbe('metrics'),
  });
}

function database(p: PostgresProfile): KubeObject {
  return statefulSet({
    component: NAME,
    replicas: 1,
    serviceName: headlessServiceName(NAME),
    pod: {
      uid: UID,
      containers: [postgresContainer(p), exporterContainer(p)],
      volumes: [
        emptyDir('run', '16Mi'),
        emptyDir('tmp'),
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: SHM_SIZE } },
      ],
      terminationGracePeriodSeconds: 60,
    },
    volumeClaims: [{ name: 'data', size: p.storage }],
  });
}

/**
 * One run = one timestamped directory: the roles (pg_dumpall --globals-only) plus a
 * custom-format pg_dump of every database, since consumers create their own databases
 * on the shared instance. A run is written under a .partial name and renamed when
 * complete, so a failed run never counts as a backup nor pushes a good one out.
 */
export function backupScript(keep: number, dir: string = BACKUP_DIR): string {
  return [
    'set -eu',
    `cd '${dir}'`,
    'rm -rf -- *.partial',
    'run="postgres-$(date -u +%Y%m%dT%H%M%SZ)"',
    // an assignment carries the exit status of its command substitution, so set -e catches a failed listing
    `dbs="$(psql --no-password -Atc 'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1')"`,
    '[ -n "$dbs" ]',
    'mkdir -- "$run.partial"',
    'pg_dumpall --globals-only --no-password --file="$run.partial/globals.sql"',
    'printf \'%s\\n\' "$dbs" | while IFS= read -r db; do',
    '  pg_dump --format=custom --no-password --dbname="$db" --file="$run.partial/$db.dump"',
    'done',
    'mv -- "$run.partial" "$run"',
    `ls -1d postgres-*Z | sort -r | tail -n +${keep + 1} | xargs -r rm -rf --`,
    'ls -l "$run"',
  ].join('\n');
}

function backupContainer(b: BackupProfile): V1Container {
  // A Job's container runs to completion, so it is built like an init container: no probes.
  return initContainer({
    name: 'pg-dump',
    image: POSTGRES_IMAGES.postgres,
    command: ['sh', '-c', backupScript(b.keep)],
    env: [
      ...env({ PGHOST: serviceDns(NAME), PGPORT: String(PORT) }),
      ...credentialEnv({ user: 'PGUSER', password: 'PGPASSWORD', database: 'PGDATABASE' }),
    ],
    sizing: b.sizing,
    mounts: [
      { name: 'backup', mountPath: BACKUP_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  });
}

function backupObjects(b: BackupProfile): KubeObject[] {
  const labels = componentLabels(NAME, BACKUP_NAME);
  const pod = podSpec({
    uid: UID,
    containers: [backupContainer(b)],
    volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: BACKUP_NAME } }, emptyDir('tmp')],
  });
  const cronJob = obj<V1CronJob>({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(NAME, BACKUP_NAME),
    spec: {
      schedule: b.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 900,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3 * 3600,
          template: { metadata: { labels }, spec: { ...pod, restartPolicy: 'Never' } },
        },
      },
    },
  });
  const claim = obj<V1PersistentVolumeClaim>({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    // Unlike the StatefulSet's claim, this one belongs to the Application: keep the dumps
    // when the Application is deleted or the backup is switched off.
    // Its only consumer is the CronJob, so on a WaitForFirstConsumer storage class it stays
    // Pending until the first backup; bootstrap/argocd's PVC health check reads that as healthy.
    metadata: meta(NAME, BACKUP_NAME, {
      annotations: { [ANNOTATIONS.syncOptions]: 'Prune=false,Delete=false', [ANNOTATIONS.bindsOnFirstUse]: 'true' },
    }),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: b.size } } },
  });
  return [claim, cronJob];
}

function build(environment: Environment): KubeObject[] {
  const p = PROFILES[environment];
  const objects = [
    contractService(NAME, POSTGRES_SERVICE, 'postgres'),
    // Prometheus finds the exporter through the headless Service; the contract Service carries only the contract port.
    headlessService(NAME, POSTGRES_SERVICE, { portName: 'postgres' }),
    database(p),
  ];
  // maxUnavailable 0 on the single primary: a drain blocks until someone moves it deliberately.
  if (p.disruptionBudget) objects.push(podDisruptionBudget(NAME, NAME, 0));
  if (p.backup) objects.push(...backupObjects(p.backup));
  return objects;
}

export const postgres: ComponentSpec = {
  name: NAME,
  description: 'PostgreSQL 18, one primary on a PVC, with a Prometheus exporter (prod: PDB and 6-hourly pg_dump)',
  tier: 'store',
  uid: UID,
  service: POSTGRES_SERVICE,
  dependsOn: [{ component: 'postgres', why: 'the scheduled pg_dump backup Job connects to the database' }],
  dashboard: postgresDashboard,
  smoke: [postgresSmoke],
  sourceFiles: [],
  images: [
    { role: 'database server; the prod pg_dump backup job', image: POSTGRES_IMAGES.postgres },
    { role: 'Prometheus exporter sidecar', image: POSTGRES_IMAGES.exporter },
  ],
  build,
};
