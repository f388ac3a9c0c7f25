// Redis answers PING with PONG on its contract address, authenticated with the password
// Secret where the environment has one (staging, prod), as a consumer would.
import { clientFacts, jobTrouble, secretIn, type SmokeFactory } from '../types.ts';

export const redisSmoke: SmokeFactory = (self) => {
  const { host, port, uid, secrets } = clientFacts(self);
  return {
    name: 'redis',
    component: self.name,
    title: 'Redis PING',
    secrets: secrets.map((s) => s.name),
    jobs: (ctx) => {
      const auth = secrets.find((s) => secretIn(s, ctx.environment));
      if (!ctx.images.redis) return { cannot: 'no redis workload in soma-infra to take the client image from' };
      return [
        {
          namespace: ctx.namespace,
          image: ctx.images.redis,
          uid,
          command: ['redis-cli', '-h', host, '-p', String(port), 'PING'],
          // redis-cli reads the password from REDISCLI_AUTH: never on its command line.
          env: auth ? [{ name: 'REDISCLI_AUTH', secret: { name: auth.name, key: 'password' } }] : undefined,
        },
      ];
    },
    judge: ([r]) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const answer = r.log.trim();
      return answer === 'PONG'
        ? { pass: true, evidence: `PING answered PONG on ${host}:${port}` }
        : { pass: false, evidence: `PING answered ${JSON.stringify(answer.slice(0, 200))}` };
    },
  };
};
