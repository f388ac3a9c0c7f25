// The backup section of cluster.yaml, and what it makes of a cluster's Postgres.
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/core/cluster-config.ts';
import { buildClusterLayer, clusterLayerPath } from '../../src/core/component-tree.ts';
import { BASE_BACKUP_SCHEDULE, postgresForCluster } from '../../src/core/components/postgres-backup.ts';
import { postgres } from '../../src/core/components/postgres.ts';
import { CTX } from '../support/context.ts';

const FILE = 'clusters/demo/cluster.yaml';
const yaml = (environment: string, backup = '') => `name: demo
environment: ${environment}
destination:
  server: https://kubernetes.default.svc
repository:
  url: https://github.com/example/repo.git
  revision: main
components: [platform, cnpg, postgres]
${backup}`;
const BACKUP = `backup:
  destinationPath: s3://soma-backups/demo
  endpointURL: https://minio.example
  credentialsSecret: demo-backup-keys
`;
const parse = (text: string) => parseClusterConfig(FILE, 'demo', text);

describe('cluster.yaml backup', () => {
  it.each(['staging', 'prod'])('refuses a %s cluster running postgres without one, with the fix', (env) => {
    const r = parse(yaml(env));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      {
        file: FILE,
        path: '/backup',
        message: expect.stringContaining(`a ${env} cluster running postgres needs a backup target`),
        hint: expect.stringContaining('destinationPath: s3://'),
      },
    ]);
  });

  it('is optional in dev, and read with a default retention where given', () => {
    expect(parse(yaml('dev')).ok).toBe(true);
    const r = parse(yaml('prod', BACKUP));
    expect(r.ok && r.config.backup).toEqual({
      destinationPath: 's3://soma-backups/demo',
      endpointURL: 'https://minio.example',
      credentialsSecret: 'demo-backup-keys',
      retention: '30d',
    });
  });

  it('names a Secret and never holds keys: unknown keys and malformed values are refused with a fix', () => {
    const bad = `backup:
  destinationPath: /var/backups
  credentialsSecret: Not_A_Name
  retention: forever
  accessKeyId: AKIA123
`;
    const r = parse(yaml('prod', bad));
    expect(!r.ok && r.problems.map((p) => [p.path, p.hint !== undefined]).sort()).toEqual([
      ['/backup/accessKeyId', true],
      ['/backup/credentialsSecret', true],
      ['/backup/destinationPath', true],
      ['/backup/retention', true],
    ]);
  });
});

describe("a cluster's Postgres with a backup target", () => {
  const facts = { name: 'demo', environment: 'prod' as const };
  const backup = { destinationPath: 's3://b/demo', credentialsSecret: 'keys', retention: '30d' };
  const env = postgres.build('prod', CTX);

  it('is the environment overlay unchanged without one (no layer)', () => {
    expect(postgresForCluster(facts, env)).toEqual(env);
    expect(buildClusterLayer(postgres, facts, env, new Map())).toBeUndefined();
  });

  it('archives WAL and base backups to the object store with the named Secret, and backs up daily', () => {
    const objects = postgresForCluster({ ...facts, backup }, env);
    const cluster = objects.find((o) => o.kind === 'Cluster')!.spec as any;
    expect(cluster.backup.retentionPolicy).toBe('30d');
    expect(cluster.backup.barmanObjectStore).toMatchObject({
      destinationPath: 's3://b/demo',
      s3Credentials: {
        accessKeyId: { name: 'keys', key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: 'keys', key: 'ACCESS_SECRET_KEY' },
      },
    });
    const scheduled = objects.find((o) => o.kind === 'ScheduledBackup')!;
    expect(scheduled.spec).toMatchObject({ schedule: BASE_BACKUP_SCHEDULE, cluster: { name: 'postgres' } });
    // Six fields: CloudNativePG's schedule starts with seconds; once a day.
    expect(BASE_BACKUP_SCHEDULE.split(' ')).toHaveLength(6);
  });

  it("becomes the cluster's own layer over the environment overlay, which its Application syncs", () => {
    const files = new Map<string, string>();
    const layer = buildClusterLayer(postgres, { ...facts, backup }, env, files)!;
    expect(layer.path).toBe(clusterLayerPath('demo', 'postgres'));
    expect([...files.keys()].sort()).toEqual([
      'overlays/clusters/demo/postgres/kustomization.yaml',
      'overlays/clusters/demo/postgres/patches/cluster-postgres.yaml',
      'overlays/clusters/demo/postgres/scheduledbackup-postgres-daily.yaml',
    ]);
    expect(files.get('overlays/clusters/demo/postgres/kustomization.yaml')).toContain('- ../../../prod/postgres');
  });

  it('refuses an object store the egress policy would block: plain http, or a port other than 443', () => {
    for (const url of ['http://minio.example', 'https://minio.example:9000']) {
      const r = parse(yaml('dev', BACKUP.replace('https://minio.example', url)));
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.problems[0]!.message).toContain('is not an https:// endpoint on port 443');
    }
  });
});
