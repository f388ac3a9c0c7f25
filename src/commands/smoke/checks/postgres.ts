// Postgres answers `SELECT 1` for the user in the credentials Secret (docs/operations.md).
import { CONTRACTS, serviceDns } from '../../../core/contracts.ts';
import { jobTrouble, type SmokeCheck } from '../types.ts';

const SECRET = CONTRACTS.postgres.secrets[0]!.name;
/** The postgres user of the official image. */
export const POSTGRES_UID = 999;

export const postgresCheck: SmokeCheck = {
  name: 'postgres',
  component: 'postgres',
  title: 'Postgres SELECT 1 with the credentials Secret',
  secrets: [SECRET],
  jobs: (ctx) => {
    if (!ctx.images.postgres) return { cannot: 'no postgres workload in soma-infra to take the client image from' };
    return [
      {
        namespace: ctx.namespace,
        image: ctx.images.postgres,
        uid: POSTGRES_UID,
        command: ['psql', '-h', serviceDns('postgres'), '-p', String(CONTRACTS.postgres.port), '-tAc', 'SELECT 1'],
        env: [
          { name: 'PGUSER', secret: { name: SECRET, key: 'username' } },
          { name: 'PGPASSWORD', secret: { name: SECRET, key: 'password' } },
          { name: 'PGDATABASE', secret: { name: SECRET, key: 'database' } },
          { name: 'PGCONNECT_TIMEOUT', value: '10' },
        ],
      },
    ];
  },
  judge: ([r]) => {
    if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const answer = r.log.trim();
    return answer === '1'
      ? { pass: true, evidence: `SELECT 1 returned 1 on ${serviceDns('postgres')}:${CONTRACTS.postgres.port}` }
      : { pass: false, evidence: `SELECT 1 returned ${JSON.stringify(answer.slice(0, 200))}` };
  },
};
