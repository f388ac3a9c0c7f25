// Vault's health endpoint: initialized and unsealed (200 active, 429 unsealed standby),
// over TLS verified with the in-cluster CA (the certificate must carry the contract name).
import { NAMESPACE } from '../../names.ts';
import { clientFacts, jobTrouble, marked, type SmokeFactory } from '../types.ts';
import { CURL_UID, getLine, json, parseGet } from './http.ts';

/** Where the job writes the CA certificate it is handed (curl reads a file). */
const CA_FILE = '/tmp/ca.crt';

export const vaultSmoke: SmokeFactory = (self) => {
  const { host, port, tls } = clientFacts(self);
  const scheme = tls ? 'https' : 'http';
  return {
    name: 'vault',
    component: self.name,
    title: 'Vault health',
    jobs: (ctx) => {
      const ca = ctx.caCertificates?.[self.name];
      if (tls && !ca)
        return {
          cannot: `no CA certificate in Secret ${NAMESPACE}/${tls.caSecret} key ${tls.caKey} (cert-manager has not issued Vault's certificate; kubectl -n ${NAMESPACE} describe certificate ${tls.caSecret})`,
        };
      const get = getLine('health', `${scheme}://${host}:${port}/v1/sys/health`, false, tls ? CA_FILE : undefined);
      return [
        {
          namespace: ctx.namespace,
          image: ctx.images.curl,
          uid: CURL_UID,
          command: ['sh', '-c', tls ? `printf '%s\\n' "$SOMA_CA" > ${CA_FILE}; ${get}` : get],
          // A certificate, not a secret: passed as a plain value.
          env: tls ? [{ name: 'SOMA_CA', value: ca }] : undefined,
        },
      ];
    },
    judge: ([r]) => {
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
      const got = parseGet(marked(r.log, 'health')[0]);
      const h = (got && json(got.body)) as
        { initialized?: boolean; sealed?: boolean; standby?: boolean; version?: string } | undefined;
      if (!got || !h) return { pass: false, evidence: `no health answer from ${host}: ${r.log.trim().slice(0, 200)}` };
      const state = `HTTP ${got.status}${tls ? ' (TLS verified with the in-cluster CA)' : ''}: initialized=${h.initialized}, sealed=${h.sealed}, standby=${h.standby}${h.version ? `, version ${h.version}` : ''}`;
      return {
        pass: (got.status === 200 || got.status === 429) && h.initialized === true && h.sealed === false,
        evidence: state,
      };
    },
  };
};
