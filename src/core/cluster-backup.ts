// The `backup` section of cluster.yaml: where this cluster's Postgres archives its WAL and
// keeps its base backups (an S3-compatible object store). It names the credentials
// Secret, never a credential: the Secret is provided in soma-infra like every other
// staging/prod Secret (docs/contracts.md). Required for staging and prod, optional in dev.
import type { Problem } from './errors.ts';
import type { Environment } from './names.ts';

export interface BackupConfig {
  /** Object store path the base backups and WAL go under, e.g. s3://soma-backups/prod. */
  destinationPath: string;
  /** The S3 endpoint when it is not AWS (MinIO, Ceph RGW, a cloud's S3 API). */
  endpointURL?: string;
  /** Secret in soma-infra holding the object store keys (ACCESS_KEY_ID, ACCESS_SECRET_KEY). */
  credentialsSecret: string;
  /** How long backups and WAL are kept (CloudNativePG retention policy, e.g. 30d). */
  retention: string;
}

/** The keys the credentials Secret must hold (CloudNativePG's s3Credentials). */
export const BACKUP_SECRET_KEYS = { accessKeyId: 'ACCESS_KEY_ID', secretAccessKey: 'ACCESS_SECRET_KEY' } as const;
export const DEFAULT_RETENTION = '30d';
/** Environments that must not run without backups. */
export const BACKUP_REQUIRED: readonly Environment[] = ['staging', 'prod'];

export const BACKUP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['destinationPath', 'credentialsSecret'],
  properties: {
    destinationPath: { type: 'string', pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\\s]*)?$' },
    // HTTPS on 443: the only port Postgres's egress policy opens towards an object store.
    endpointURL: { type: 'string', pattern: '^https://[^\\s/:]+(:443)?(/[^\\s]*)?$' },
    credentialsSecret: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
    retention: { type: 'string', pattern: '^[1-9][0-9]*[dwm]$' },
  },
} as const;

/** What a pattern error in the backup section means, for the schema's messages. */
export function backupPatternMessage(instancePath: string): string | undefined {
  if (instancePath.endsWith('/destinationPath')) return 'is not an object store path (s3://<bucket>/<path>)';
  if (instancePath.endsWith('/endpointURL'))
    return "is not an https:// endpoint on port 443 (the only port Postgres's egress policy opens to an object store; put a TLS endpoint on 443 in front of MinIO's 9000)";
  if (instancePath.endsWith('/credentialsSecret')) return 'is not a Secret name (lowercase letters, digits, - and .)';
  if (instancePath.endsWith('/retention'))
    return "is not a retention period (days, weeks or months: '30d', '4w', '3m')";
  return undefined;
}

/** Staging and prod refuse to run Postgres without a backup target. Runs on schema-valid input. */
export function backupProblems(file: string, raw: Record<string, any>): Problem[] {
  if (raw.backup || !BACKUP_REQUIRED.includes(raw.environment) || !raw.components?.includes('postgres')) return [];
  return [
    {
      file,
      path: '/backup',
      message: `a ${raw.environment} cluster running postgres needs a backup target (WAL archiving and base backups, RPO 15 min)`,
      hint: "add backup: { destinationPath: s3://<bucket>/<path>, credentialsSecret: <Secret name> } (see docs/clusters.md, 'backup')",
    },
  ];
}

export function backupOf(raw: Record<string, any>): { backup?: BackupConfig } {
  const b = raw.backup;
  if (!b) return {};
  return {
    backup: {
      destinationPath: b.destinationPath,
      ...(b.endpointURL ? { endpointURL: b.endpointURL } : {}),
      credentialsSecret: b.credentialsSecret,
      retention: b.retention ?? DEFAULT_RETENTION,
    },
  };
}
