// Vault's health endpoint: initialized and unsealed (200 active, 429 unsealed standby).
import { clientFacts, jobTrouble, marked, type SmokeFactory } from '../types.ts';
import { CURL_UID, getLine, json, parseGet } from './http.ts';

export const vaultSmoke: SmokeFactory = (self) => {
  const { host, port } = clientFacts(self);
  return {
    name: 'vault',
    component: self.name,
    title: 'Vault health',
    jobs: (ctx) => [
      {
        namespace: ctx.namespace,
        image: ctx.images.curl,
        uid: CURL_UID,
        command: ['sh', '-c', getLine('health', `http://${host}:${port}/v1/sys/health`)],
      },
    ],
    judge: ([r]) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const got = parseGet(marked(r.log, 'health')[0]);
      const h = (got && json(got.body)) as
        { initialized?: boolean; sealed?: boolean; standby?: boolean; version?: string } | undefined;
      if (!got || !h) return { pass: false, evidence: `no health answer from ${host}: ${r.log.trim().slice(0, 200)}` };
      const state = `HTTP ${got.status}: initialized=${h.initialized}, sealed=${h.sealed}, standby=${h.standby}${h.version ? `, version ${h.version}` : ''}`;
      return {
        pass: (got.status === 200 || got.status === 429) && h.initialized === true && h.sealed === false,
        evidence: state,
      };
    },
  };
};
