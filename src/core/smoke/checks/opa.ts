// OPA answers the decision path with allow for a request the allowlist permits and
// deny for the same request acting on another tenant (docs/contracts.md: default deny).
import { OPA_DECISION_PATH as PATH, SOMA_POLICY_DATA } from '../../components/opa/data.ts';
import { clientFacts, jobTrouble, marked, type SmokeCheck, type SmokeFactory } from '../types.ts';
import { CURL_UID } from './http.ts';

/** Built from the first allowlist entry of the shipped policy data, so the check follows the policy. */
export function opaInputs(): { allow: object; deny: object; describe: string } {
  const entry = SOMA_POLICY_DATA.soma_config.allowlist[0]!;
  const method = entry.methods.find((m) => m !== '*') ?? 'GET';
  const base = {
    identity: { service: entry.caller, subject: 'soma-smoke', tenant: 'smoke-tenant', roles: [] },
    request: { method, path: '/smoke/check' },
    service: entry.target,
    context: {},
  };
  return {
    allow: { input: { ...base, tenant: 'smoke-tenant' } },
    deny: { input: { ...base, tenant: 'another-tenant' } },
    describe: `${entry.caller} → ${entry.target} ${method} /smoke/check`,
  };
}

export const opaSmoke: SmokeFactory = (self) => {
  const { host, port } = clientFacts(self);
  return check(`http://${host}:${port}${PATH}`);
};

const check = (url: string): SmokeCheck => ({
  name: 'opa',
  component: 'opa',
  title: `OPA allow and deny at ${PATH}`,
  jobs: (ctx) => {
    const { allow, deny } = opaInputs();
    const post = (marker: string, body: object) =>
      `echo "${marker} $(curl -sS -m 10 -X POST -H 'Content-Type: application/json' --data '${JSON.stringify(body)}' ${url})"`;
    return [
      {
        namespace: ctx.namespace,
        image: ctx.images.curl,
        uid: CURL_UID,
        command: ['sh', '-c', ['set -e', post('allow', allow), post('deny', deny)].join('\n')],
      },
    ];
  },
  judge: ([r]) => {
    if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const result = (marker: string) => {
      try {
        return (JSON.parse(marked(r.log, marker)[0] ?? '') as { result?: unknown }).result;
      } catch {
        return `unreadable answer ${JSON.stringify(marked(r.log, marker)[0] ?? '')}`;
      }
    };
    const [allowed, denied] = [result('allow'), result('deny')];
    const { describe } = opaInputs();
    const evidence = `${describe}: same tenant → ${JSON.stringify(allowed)}, other tenant → ${JSON.stringify(denied)}`;
    return { pass: allowed === true && denied === false, evidence };
  },
});
