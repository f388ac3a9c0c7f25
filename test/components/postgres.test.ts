import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACTS, INTERNAL_PORTS, headlessServiceName, serviceDns } from '../../src/core/contracts.ts';
import { podSpecOf, type KubeObject, type V1Container, type V1PodSpec } from '../../src/core/kube.ts';
import { ANNOTATIONS, ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { parseQuantity } from '../../src/core/quantity.ts';
import { CREDENTIAL_KEYS, PGDATA, backupScript, postgres } from '../../src/core/components/postgres.ts';
import { expectDevRequestsWithin, expectRestrictedPods, expectWellFormed } from '../support/component-checks.ts';
import { tempDir } from '../support/temp.ts';
import { CTX } from '../support/context.ts';

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const pods = (objs: KubeObject[]) =>
  objs.flatMap((o) => (podSpecOf(o) ? [{ o, spec: podSpecOf(o)!.spec as unknown as V1PodSpec }] : []));
const containers = (spec: V1PodSpec): V1Container[] => [...(spec.initContainers ?? []), ...spec.containers];
const secretRefs = (c: V1Container) =>
  (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [{ env: e.name, ...e.valueFrom.secretKeyRef }] : []));

describe.each(ENVIRONMENTS.map((env) => [env]))('postgres build(%s)', (env: Environment) => {
  const objects = postgres.build(env, CTX);
  const sts = find(objects, 'StatefulSet', 'postgres')!;
  const spec = podSpecOf(sts)!.spec as unknown as V1PodSpec;
  const db = spec.containers.find((c) => c.name === 'postgres')!;
  const exporter = spec.containers.find((c) => c.name === 'exporter')!;

  it('returns valid, namespaced objects, the same on every call', () => expectWellFormed(postgres, env));

  it('serves the contract Service, selecting the database pods only', () => {
    const svc = find(objects, 'Service', CONTRACTS.postgres.service)!;
    const s = svc.spec as any;
    expect(s.ports).toEqual([expect.objectContaining({ port: CONTRACTS.postgres.port, targetPort: 'postgres' })]);
    expect(db.ports).toContainEqual(
      expect.objectContaining({ name: 'postgres', containerPort: CONTRACTS.postgres.port }),
    );
    const podLabels = (sts.spec as any).template.metadata.labels;
    for (const [k, v] of Object.entries(s.selector)) expect(podLabels[k]).toBe(v);
  });

  it('runs one StatefulSet replica behind its headless Service, exporter on the metrics port', () => {
    const headless = find(objects, 'Service', headlessServiceName('postgres'))!;
    expect((headless.spec as any).clusterIP).toBe('None');
    expect((sts.spec as any).serviceName).toBe(headlessServiceName('postgres'));
    expect((sts.spec as any).replicas).toBe(1);
    expect(exporter.ports).toEqual([
      expect.objectContaining({ name: 'metrics', containerPort: INTERNAL_PORTS.postgres.metrics.port }),
    ]);
    expect((headless.spec as any).ports).toContainEqual(
      expect.objectContaining({ port: INTERNAL_PORTS.postgres.metrics.port }),
    );
  });

  it('gives every container the restricted security context, sizing, and (unless it runs to completion) probes', () => {
    expectRestrictedPods(objects, { uid: 999 });
  });

  it('mounts only declared volumes, with PGDATA in a subdirectory of the data volume', () => {
    for (const { o, spec: pod } of pods(objects)) {
      const claims = ((o.spec as any).volumeClaimTemplates ?? []).map((v: any) => v.metadata.name);
      const declared = new Set([...(pod.volumes ?? []).map((v) => v.name), ...claims]);
      for (const c of containers(pod)) for (const m of c.volumeMounts ?? []) expect(declared).toContain(m.name);
    }
    const data = db.volumeMounts!.find((m) => m.name === 'data')!;
    expect(db.env).toContainEqual({ name: 'PGDATA', value: PGDATA });
    expect(PGDATA.startsWith(`${data.mountPath}/`)).toBe(true);
    const writable = db.volumeMounts!.map((m) => m.mountPath);
    expect(writable).toEqual(expect.arrayContaining(['/var/run/postgresql', '/tmp']));
  });

  it('reads the credentials from the contract Secret only', () => {
    const contract = CONTRACTS.postgres.secrets[0]!;
    for (const { spec: pod } of pods(objects)) {
      for (const c of containers(pod)) {
        for (const ref of secretRefs(c)) {
          expect(ref.name).toBe(contract.name);
          expect(contract.keys).toContain(ref.key);
        }
      }
    }
    const dbRefs = Object.fromEntries(secretRefs(db).map((r) => [r.env, r.key]));
    expect(dbRefs).toEqual({ POSTGRES_USER: 'username', POSTGRES_PASSWORD: 'password', POSTGRES_DB: 'database' });
    expect(Object.values(CREDENTIAL_KEYS).every((k) => contract.keys.includes(k))).toBe(true);
    const exporterRefs = secretRefs(exporter)
      .map((r) => r.key)
      .sort();
    expect(exporterRefs).toEqual(['database', 'password', 'username']);
  });

  it('uses only the pinned images it declares', () => {
    const declared = postgres.images.map((i) => i.image);
    for (const image of declared) expect(image).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[^:]+:[^:]*\d[^:]*$/);
    for (const image of declared) expect(image).not.toMatch(/:latest$/);
    for (const { spec: pod } of pods(objects)) for (const c of containers(pod)) expect(declared).toContain(c.image);
  });

  it('protects and backs up the database in prod only', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'postgres');
    const cron = find(objects, 'CronJob', 'postgres-backup');
    const claim = find(objects, 'PersistentVolumeClaim', 'postgres-backup');
    expect([Boolean(pdb), Boolean(cron), Boolean(claim)]).toEqual(
      env === 'prod' ? [true, true, true] : [false, false, false],
    );
    if (pdb)
      expect(pdb.spec).toMatchObject({
        maxUnavailable: 0,
        selector: { matchLabels: (sts.spec as any).selector.matchLabels },
      });
  });
});

describe('postgres per-environment differences', () => {
  const claimSize = (env: Environment) => {
    const sts = postgres.build(env, CTX).find((o) => o.kind === 'StatefulSet')!;
    return (sts.spec as any).volumeClaimTemplates[0].spec.resources.requests.storage as string;
  };

  it('sizes the data volume 5Gi in dev, 10Gi in staging and at least 20Gi in prod', () => {
    expect(claimSize('dev')).toBe('5Gi');
    expect(claimSize('staging')).toBe('10Gi');
    expect(parseQuantity(claimSize('prod'))).toBeGreaterThanOrEqual(parseQuantity('20Gi'));
  });

  it('keeps dev requests within its share of the laptop budget (300m CPU, 576Mi)', () => {
    expectDevRequestsWithin(postgres, { cpu: '300m', memory: '576Mi' });
  });
});

describe('postgres prod backup CronJob', () => {
  const objects = postgres.build('prod', CTX);
  const cron = objects.find((o) => o.kind === 'CronJob')!;
  const s = cron.spec as any;
  const pod = podSpecOf(cron)!.spec as unknown as V1PodSpec;
  const [dump] = pod.containers;

  it('never overlaps runs, keeps bounded history and does not restart a failed dump in place', () => {
    expect(s).toMatchObject({ concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(s.schedule.split(' ')).toHaveLength(5);
    expect(pod.restartPolicy).toBe('Never');
    expect(dump!.image).toBe(
      (podSpecOf(objects.find((o) => o.kind === 'StatefulSet')!)!.spec as unknown as V1PodSpec).containers[0]!.image,
    );
  });

  it('connects to the contract Service and writes to its own volume', () => {
    expect(dump!.env).toContainEqual({ name: 'PGHOST', value: serviceDns('postgres') });
    expect(dump!.env).toContainEqual({ name: 'PGPORT', value: String(CONTRACTS.postgres.port) });
    const claimName = pod.volumes!.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!.claimName;
    const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim')!;
    expect(claim.metadata.name).toBe(claimName);
    // the dumps outlive the Application
    expect(claim.metadata.annotations?.[ANNOTATIONS.syncOptions]?.split(',')).toEqual(
      expect.arrayContaining(['Prune=false', 'Delete=false']),
    );
    const backupMount = dump!.volumeMounts!.find(
      (m) => pod.volumes!.find((v) => v.name === m.name)?.persistentVolumeClaim,
    );
    expect(dump!.command!.join(' ')).toContain(`cd '${backupMount!.mountPath}'`);
  });
});

// The backup script runs for real here, with pg_dump, pg_dumpall and psql replaced by stubs.
describe('backupScript', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  function setup(): { backups: string; run: (keep: number, extra?: Record<string, string>) => number } {
    dir = tempDir('pg-backup-');
    const bin = join(dir, 'bin');
    const backups = join(dir, 'backups');
    mkdirSync(bin);
    mkdirSync(backups);
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('psql', '[ -z "${FAIL_PSQL:-}" ] || exit 2\nprintf "app\\nsoma\\n"');
    stub('pg_dumpall', 'for a; do case "$a" in --file=*) echo roles > "${a#--file=}";; esac; done');
    stub(
      'pg_dump',
      'for a; do case "$a" in --dbname=*) db="${a#--dbname=}";; --file=*) f="${a#--file=}";; esac; done\n' +
        '[ "$db" != "${FAIL_DB:-}" ] || exit 1\necho "dump of $db" > "$f"',
    );
    const run = (keep: number, extra: Record<string, string> = {}) =>
      spawnSync('sh', ['-c', backupScript(keep, backups)], {
        env: { PATH: `${bin}:${process.env.PATH}`, ...extra },
        encoding: 'utf8',
      }).status ?? -1;
    return { backups, run };
  }

  const old = [
    'postgres-20200101T000000Z',
    'postgres-20200102T000000Z',
    'postgres-20200103T000000Z',
    'postgres-20200104T000000Z',
  ];

  it('writes the roles and one dump per database into a new run, keeping the newest runs', () => {
    const { backups, run } = setup();
    for (const d of old) mkdirSync(join(backups, d));
    expect(run(3)).toBe(0);
    const runs = readdirSync(backups).sort();
    expect(runs).toHaveLength(3);
    expect(runs.slice(0, 2)).toEqual(old.slice(2));
    expect(readdirSync(join(backups, runs[2]!)).sort()).toEqual(['app.dump', 'globals.sql', 'soma.dump']);
  });

  it('fails without touching existing runs when a database cannot be dumped, and cleans up next time', () => {
    const { backups, run } = setup();
    for (const d of old) mkdirSync(join(backups, d));
    expect(run(1, { FAIL_DB: 'soma' })).not.toBe(0);
    expect(
      readdirSync(backups)
        .filter((d) => d.endsWith('Z'))
        .sort(),
    ).toEqual(old);
    expect(run(1)).toBe(0);
    expect(readdirSync(backups).some((d) => d.endsWith('.partial'))).toBe(false);
  });

  it('fails before writing anything when the databases cannot be listed', () => {
    const { backups, run } = setup();
    for (const d of old) mkdirSync(join(backups, d));
    expect(run(1, { FAIL_PSQL: '1' })).not.toBe(0);
    expect(readdirSync(backups).sort()).toEqual(old);
    expect(existsSync(join(backups, old[0]!))).toBe(true);
  });
});
