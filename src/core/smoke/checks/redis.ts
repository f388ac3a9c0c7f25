// Redis answers PING with PONG on its contract address.
import { clientFacts, jobTrouble, type SmokeFactory } from '../types.ts';

export const redisSmoke: SmokeFactory = (self) => {
  const { host, port, uid } = clientFacts(self);
  return {
    name: 'redis',
    component: self.name,
    title: 'Redis PING',
    jobs: (ctx) => {
      if (!ctx.images.redis) return { cannot: 'no redis workload in soma-infra to take the client image from' };
      return [
        {
          namespace: ctx.namespace,
          image: ctx.images.redis,
          uid,
          command: ['redis-cli', '-h', host, '-p', String(port), 'PING'],
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
