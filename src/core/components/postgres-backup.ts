// Postgres backups, per cluster (the `backup` section of its cluster.yaml): continuous WAL
// archiving and a daily base backup to an S3-compatible object store, which together allow
// a point-in-time restore (docs/operations.md, "Postgres backups and point-in-time restore").
//
// This uses CloudNativePG's in-tree Barman Cloud support (`spec.backup.barmanObjectStore`),
// deprecated since CloudNativePG 1.26 in favour of the Barman Cloud plugin. The plugin is a
// second operator to pin on top of cert-manager (now a component, for Vault); moving to it is
// the next step (docs/operations.md), and Renovate holds CloudNativePG below 1.31 until then. The operand image is the
// `system` flavour, which carries the barman-cloud tools the in-tree support runs.
//
// RPO: the Cluster switches WAL segments at least every 5 minutes (archive_timeout) and the
// instance manager uploads each one as it is closed, so at most ~5 minutes plus the upload
// is lost; the alert SomaPostgresWalArchiveStale fires when the newest archive is older
// than 15 minutes (the RPO).
import type { KubeObject } from '../kube.ts';
import { BACKUP_SECRET_KEYS, type BackupConfig } from '../cluster-backup.ts';
import { CNPG_CLUSTER_API } from './cnpg.ts';
import type { ClusterFacts } from './spec.ts';
import { meta } from './workload.ts';

const NAME = 'postgres';
export const SCHEDULED_BACKUP_NAME = 'postgres-daily';
/** Every day at 02:30 UTC (CloudNativePG's schedule has a leading seconds field). */
export const BASE_BACKUP_SCHEDULE = '0 30 2 * * *';
/** How often that schedule runs (the base backup age alert allows this plus a margin). */
export const BASE_BACKUP_INTERVAL_HOURS = 24;

/** The Cluster's `spec.backup`: where WAL and base backups go, compressed, and how long they are kept. */
export function barmanBackup(b: BackupConfig): Record<string, unknown> {
  const key = (k: string) => ({ name: b.credentialsSecret, key: k });
  return {
    retentionPolicy: b.retention,
    barmanObjectStore: {
      destinationPath: b.destinationPath,
      ...(b.endpointURL ? { endpointURL: b.endpointURL } : {}),
      s3Credentials: {
        accessKeyId: key(BACKUP_SECRET_KEYS.accessKeyId),
        secretAccessKey: key(BACKUP_SECRET_KEYS.secretAccessKey),
      },
      wal: { compression: 'gzip', maxParallel: 2 },
      data: { compression: 'gzip' },
    },
  };
}

function scheduledBackup(): KubeObject {
  return {
    apiVersion: CNPG_CLUSTER_API,
    kind: 'ScheduledBackup',
    metadata: meta(NAME, SCHEDULED_BACKUP_NAME),
    spec: {
      schedule: BASE_BACKUP_SCHEDULE,
      // The first base backup right away: PITR needs one before the first WAL can be replayed.
      immediate: true,
      backupOwnerReference: 'self',
      method: 'barmanObjectStore',
      cluster: { name: NAME },
    },
  };
}

/** The cluster's Postgres objects: with a backup target, the Cluster archives there and a daily base backup runs. */
export function postgresForCluster(cluster: ClusterFacts, objects: readonly KubeObject[]): KubeObject[] {
  if (!cluster.backup) return [...objects];
  const backup = barmanBackup(cluster.backup);
  const out = objects.map((o) =>
    o.kind === 'Cluster' && o.apiVersion === CNPG_CLUSTER_API
      ? { ...o, spec: { ...(o.spec as Record<string, unknown>), backup } }
      : o,
  );
  return [...out, scheduledBackup()];
}
