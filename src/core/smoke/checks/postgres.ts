// Postgres answers `SELECT 1` for the user in the credentials Secret; where the cluster has a
// backup target, the primary (behind the contract Service) has also archived WAL within the
// RPO (pg_stat_archiver is readable by any user).
import { clientFacts, jobTrouble, type SmokeFactory, type Verdict } from '../types.ts';

/** Seconds: the newest archived WAL segment may be this old (the 15 min RPO, as the alert). */
export const WAL_ARCHIVE_MAX_AGE = 900;
/** A WAL file name's segment number: log id × segments per log id + segment (24 hex digits; history files give NULL). */
export const segno = (name: string) =>
  `CASE WHEN ${name} ~ '^[0-9A-F]{24}$' THEN ('x' || substr(${name}, 9, 8))::bit(32)::bigint * (4294967296 / (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')) + ('x' || substr(${name}, 17, 8))::bit(32)::bigint END`;
/**
 * The archive's age, and how many segments lie between the last archived one and the one
 * being written. archive_timeout switches segments only when WAL was written, so on an idle
 * database the age grows while nothing waits: a backlog of 0 or 1 (only the open segment) is
 * up to date however old the last archive is.
 */
export const SELECT_WITH_ARCHIVE = `SELECT 1, coalesce(extract(epoch from now() - last_archived_time)::bigint, -1), coalesce(${segno('pg_walfile_name(pg_current_wal_lsn())')} - ${segno('last_archived_wal')}, -1) FROM pg_stat_archiver`;

function judgeArchive(answer: string, where: string): Verdict {
  const [one, age, waiting] = answer.split('|');
  if (one !== '1') return { pass: false, evidence: `SELECT 1 returned ${JSON.stringify(answer.slice(0, 200))}` };
  const seconds = Number(age);
  const backlog = Number(waiting);
  if (!Number.isInteger(seconds) || !Number.isInteger(backlog))
    return { pass: false, evidence: `pg_stat_archiver answered ${JSON.stringify(answer.slice(0, 200))}` };
  if (seconds < 0)
    return { pass: false, evidence: `SELECT 1 returned 1 on ${where}, but no WAL segment was ever archived` };
  if (backlog >= 0 && backlog <= 1)
    return {
      pass: true,
      evidence: `SELECT 1 returned 1 on ${where}; nothing waits to be archived (last archive ${seconds} s ago)`,
    };
  if (seconds > WAL_ARCHIVE_MAX_AGE)
    return {
      pass: false,
      evidence: `SELECT 1 returned 1 on ${where}, but the last WAL archive is ${seconds} s old with ${backlog < 0 ? 'segments' : `${backlog - 1} segment(s)`} waiting (RPO ${WAL_ARCHIVE_MAX_AGE} s)`,
    };
  return { pass: true, evidence: `SELECT 1 returned 1 on ${where}; last WAL archived ${seconds} s ago` };
}

export const postgresSmoke: SmokeFactory = (self) => {
  const { host, port, secrets, uid } = clientFacts(self);
  const secret = secrets[0]!.name;
  return {
    name: 'postgres',
    component: self.name,
    title: 'Postgres SELECT 1 with the credentials Secret (and a recent WAL archive where backups are set)',
    secrets: [secret],
    jobs: (ctx) => {
      if (!ctx.images.postgres) return { cannot: 'no postgres workload in soma-infra to take the client image from' };
      return [
        {
          namespace: ctx.namespace,
          image: ctx.images.postgres,
          uid,
          command: ['psql', '-h', host, '-p', String(port), '-tAc', ctx.backup ? SELECT_WITH_ARCHIVE : 'SELECT 1'],
          env: [
            { name: 'PGUSER', secret: { name: secret, key: 'username' } },
            { name: 'PGPASSWORD', secret: { name: secret, key: 'password' } },
            { name: 'PGDATABASE', secret: { name: secret, key: 'database' } },
            { name: 'PGCONNECT_TIMEOUT', value: '10' },
          ],
        },
      ];
    },
    judge: ([r], ctx) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const answer = r.log.trim();
      if (ctx.backup) return judgeArchive(answer, `${host}:${port}`);
      return answer === '1'
        ? { pass: true, evidence: `SELECT 1 returned 1 on ${host}:${port}` }
        : { pass: false, evidence: `SELECT 1 returned ${JSON.stringify(answer.slice(0, 200))}` };
    },
  };
};
