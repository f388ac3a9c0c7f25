// Base backup alerts, from CloudNativePG's exporter on the primary (job postgres):
// cnpg_collector_last_available_backup_timestamp and cnpg_collector_last_failed_backup_timestamp
// (unix seconds from the Cluster's status, marked deprecated in 1.30.0 but still exported;
// 0 before the first backup and on replicas, which never set them). WAL archiving keeps the
// 15-minute RPO between base backups (rules.ts); these catch the daily base backup itself.
import { BASE_BACKUP_INTERVAL_HOURS, SCHEDULED_BACKUP_NAME } from '../postgres-backup.ts';
import type { AlertGroup } from './rules.ts';

/** Time a base backup may take, and the scheduler's slack, beyond the interval of the schedule. */
export const BASE_BACKUP_MARGIN_HOURS = 2;
const PG = 'job="postgres"';
const LAST = `cnpg_collector_last_available_backup_timestamp{${PG}}`;
const FAILED = `cnpg_collector_last_failed_backup_timestamp{${PG}}`;

export const BACKUPS: AlertGroup = {
  name: 'soma-postgres-backups',
  rules: [
    {
      alert: 'SomaPostgresBaseBackupTooOld',
      // > 0: only the primary of a cluster that has taken a backup (dev runs without any).
      expr: `(time() - ${LAST} > ${(BASE_BACKUP_INTERVAL_HOURS + BASE_BACKUP_MARGIN_HOURS) * 3600}) and ${LAST} > 0`,
      for: '30m',
      severity: 'critical',
      summary: `The newest base backup of Postgres is older than ${BASE_BACKUP_INTERVAL_HOURS + BASE_BACKUP_MARGIN_HOURS} hours (the daily schedule plus ${BASE_BACKUP_MARGIN_HOURS} h)`,
      action: `kubectl -n soma-infra get backups.postgresql.cnpg.io (the newest one and its error); kubectl -n soma-infra get scheduledbackup ${SCHEDULED_BACKUP_NAME}`,
    },
    {
      alert: 'SomaPostgresBaseBackupFailed',
      expr: `${FAILED} > ${LAST}`,
      for: '5m',
      severity: 'warning',
      summary: 'The newest base backup attempt of Postgres failed',
      action:
        'kubectl -n soma-infra describe backup.postgresql.cnpg.io of the failed attempt: object store reachable on 443, credentials Secret keys present',
    },
  ],
};
