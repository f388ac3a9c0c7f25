// Redis answers PING with PONG on its contract address.
import { CONTRACTS, serviceDns } from '../../../core/contracts.ts';
import { jobTrouble, type SmokeCheck } from '../types.ts';

/** The redis user of the official image. */
const REDIS_UID = 999;

export const redisCheck: SmokeCheck = {
  name: 'redis',
  component: 'redis',
  title: 'Redis PING',
  jobs: (ctx) => {
    if (!ctx.images.redis) return { cannot: 'no redis workload in soma-infra to take the client image from' };
    return [
      {
        namespace: ctx.namespace,
        image: ctx.images.redis,
        uid: REDIS_UID,
        command: ['redis-cli', '-h', serviceDns('redis'), '-p', String(CONTRACTS.redis.port), 'PING'],
      },
    ];
  },
  judge: ([r]) => {
    if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const answer = r.log.trim();
    return answer === 'PONG'
      ? { pass: true, evidence: `PING answered PONG on ${serviceDns('redis')}:${CONTRACTS.redis.port}` }
      : { pass: false, evidence: `PING answered ${JSON.stringify(answer.slice(0, 200))}` };
  },
};
