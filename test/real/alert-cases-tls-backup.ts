// promtool cases for the certificate alerts (cert-manager's gauges) and the base backup
// alerts (CloudNativePG's backup timestamps). promtool's time() is the evaluation time in
// seconds from 0, so timestamps here are small numbers relative to it.
import type { AlertCase, Series } from './alert-cases.ts';

const s = (series: string, values: string): Series => ({ series, values });
const CERT = {
  job: 'cert-manager',
  instance: '10.0.1.2:9402',
  name: 'vault-tls',
  namespace: 'soma-infra',
  issuer_name: 'soma-infra-ca',
  issuer_kind: 'Issuer',
  issuer_group: 'cert-manager.io',
};
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
const DAY = 86400;
const PRIMARY = { job: 'postgres', instance: '10.0.0.5:9187' };
const REPLICA = { job: 'postgres', instance: '10.0.0.6:9187' };

export const TLS_AND_BACKUP_CASES: AlertCase[] = [
  {
    alert: 'SomaCertificateExpiringSoon',
    evalTime: '2h',
    fires: {
      // Ten days left: renewal (due at 30 days) has been failing for twenty.
      series: [s(`certmanager_certificate_expiration_timestamp_seconds${labels(CERT)}`, `${10 * DAY}x150`)],
      labels: CERT,
    },
    // 25 days left: inside the renewal window, not yet in the warning one; and a Certificate
    // never issued, which cert-manager reports as 0 (no expiry, not an expired one).
    quiet: [
      s(`certmanager_certificate_expiration_timestamp_seconds${labels(CERT)}`, `${25 * DAY}x150`),
      s(`certmanager_certificate_expiration_timestamp_seconds${labels({ ...CERT, name: 'pending-tls' })}`, '0x150'),
    ],
  },
  {
    alert: 'SomaCertificateNotReady',
    evalTime: '30m',
    fires: {
      series: [
        s(`certmanager_certificate_ready_status${labels({ ...CERT, condition: 'False' })}`, '1x40'),
        s(`certmanager_certificate_ready_status${labels({ ...CERT, condition: 'True' })}`, '0x40'),
      ],
      labels: { ...CERT, condition: 'False' },
    },
    // Not ready for five minutes while it is (re)issued, then ready.
    quiet: [
      s(`certmanager_certificate_ready_status${labels({ ...CERT, condition: 'False' })}`, '1x5 0x35'),
      s(`certmanager_certificate_ready_status${labels({ ...CERT, condition: 'True' })}`, '0x5 1x35'),
    ],
  },
  {
    alert: 'SomaPostgresBaseBackupTooOld',
    evalTime: '30h',
    fires: {
      // The last backup at 0:20; thirty hours later no newer one.
      series: [
        s(`cnpg_collector_last_available_backup_timestamp${labels(PRIMARY)}`, '1200x1900'),
        s(`cnpg_collector_last_available_backup_timestamp${labels(REPLICA)}`, '0x1900'),
      ],
      labels: PRIMARY,
    },
    // A backup eight hours before (a replica, and a cluster without backups, report 0).
    quiet: [
      s(`cnpg_collector_last_available_backup_timestamp${labels(PRIMARY)}`, `${22 * 3600}x1900`),
      s(`cnpg_collector_last_available_backup_timestamp${labels(REPLICA)}`, '0x1900'),
    ],
  },
  {
    alert: 'SomaPostgresBaseBackupFailed',
    evalTime: '15m',
    fires: {
      series: [
        s(`cnpg_collector_last_available_backup_timestamp${labels(PRIMARY)}`, '1000x20'),
        s(`cnpg_collector_last_failed_backup_timestamp${labels(PRIMARY)}`, '5000x20'),
      ],
      labels: PRIMARY,
    },
    // A failed attempt, then a successful one.
    quiet: [
      s(`cnpg_collector_last_available_backup_timestamp${labels(PRIMARY)}`, '6000x20'),
      s(`cnpg_collector_last_failed_backup_timestamp${labels(PRIMARY)}`, '5000x20'),
    ],
  },
];
