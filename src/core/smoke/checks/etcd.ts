// etcd's /health on the client port: {"health":"true"} when the member has a leader and can serve.
import { clientFacts, jobTrouble, marked, type SmokeFactory } from '../types.ts';
import { CURL_UID, getLine, json, parseGet } from './http.ts';

export const etcdSmoke: SmokeFactory = (self) => {
  const { host, port } = clientFacts(self);
  return {
    name: 'etcd',
    component: self.name,
    title: 'etcd health',
    jobs: (ctx) => [
      {
        namespace: ctx.namespace,
        image: ctx.images.curl,
        uid: CURL_UID,
        command: ['sh', '-c', getLine('health', `http://${host}:${port}/health`)],
      },
    ],
    judge: ([r]) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const got = parseGet(marked(r.log, 'health')[0]);
      const h = (got && json(got.body)) as { health?: string; reason?: string } | undefined;
      if (!got || !h) return { pass: false, evidence: `no health answer from ${host}: ${r.log.trim().slice(0, 200)}` };
      return {
        pass: got.status === 200 && h.health === 'true',
        evidence: `HTTP ${got.status}: health=${h.health}${h.reason ? ` (${h.reason})` : ''}`,
      };
    },
  };
};
