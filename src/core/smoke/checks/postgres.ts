// Postgres answers `SELECT 1` for the user in the credentials Secret.
import { clientFacts, jobTrouble, type SmokeFactory } from '../types.ts';

export const postgresSmoke: SmokeFactory = (self) => {
  const { host, port, secrets, uid } = clientFacts(self);
  const secret = secrets[0]!.name;
  return {
    name: 'postgres',
    component: self.name,
    title: 'Postgres SELECT 1 with the credentials Secret',
    secrets: [secret],
    jobs: (ctx) => {
      if (!ctx.images.postgres) return { cannot: 'no postgres workload in soma-infra to take the client image from' };
      return [
        {
          namespace: ctx.namespace,
          image: ctx.images.postgres,
          uid,
          command: ['psql', '-h', host, '-p', String(port), '-tAc', 'SELECT 1'],
          env: [
            { name: 'PGUSER', secret: { name: secret, key: 'username' } },
            { name: 'PGPASSWORD', secret: { name: secret, key: 'password' } },
            { name: 'PGDATABASE', secret: { name: secret, key: 'database' } },
            { name: 'PGCONNECT_TIMEOUT', value: '10' },
          ],
        },
      ];
    },
    judge: ([r]) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const answer = r.log.trim();
      return answer === '1'
        ? { pass: true, evidence: `SELECT 1 returned 1 on ${host}:${port}` }
        : { pass: false, evidence: `SELECT 1 returned ${JSON.stringify(answer.slice(0, 200))}` };
    },
  };
};
