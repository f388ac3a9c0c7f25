// NetworkPolicy enforcement: a client in a namespace labelled soma.sh/allow-shared-infra
// reaches postgres, one in an unlabelled namespace gets no answer (docs/contracts.md, Network access).
// pg_isready exit codes: 0 accepting, 1 rejecting (reachable), 2 no response, 3 no attempt.
import { CONTRACTS, serviceDns } from '../../../core/contracts.ts';
import { LABELS } from '../../../core/names.ts';
import { jobTrouble, marked, type JobResult, type SmokeCheck } from '../types.ts';
import { POSTGRES_UID } from './postgres.ts';

const PROBE = `pg_isready -h ${serviceDns('postgres')} -p ${CONTRACTS.postgres.port} -t 8 >/dev/null 2>&1; echo "exit $?"`;

function code(r: JobResult | undefined): number | undefined {
  const v = r && marked(r.log, 'exit')[0];
  return v === undefined ? undefined : Number(v);
}

export const networkPolicyCheck: SmokeCheck = {
  name: 'networkpolicy',
  component: 'postgres',
  title: `NetworkPolicy: postgres reachable only from namespaces labelled ${LABELS.allowSharedInfra}=true`,
  jobs: (ctx) => {
    if (!ctx.images.postgres) return { cannot: 'no postgres workload in soma-infra to take the client image from' };
    const run = (suffix: string, namespace: string) => ({
      suffix,
      namespace,
      image: ctx.images.postgres!,
      uid: POSTGRES_UID,
      command: ['sh', '-c', PROBE],
    });
    return [run('allowed', ctx.namespace), run('denied', ctx.deniedNamespace)];
  },
  judge: ([allowed, denied], ctx) => {
    for (const r of [allowed, denied])
      if (!r || r.phase !== 'Succeeded') return { pass: false, evidence: r ? jobTrouble(r) : 'no job ran' };
    const [a, d] = [code(allowed), code(denied)];
    const what = (c: number | undefined) =>
      c === 0
        ? 'accepting connections'
        : c === 1
          ? 'reachable (rejecting)'
          : c === 2
            ? 'no response'
            : `pg_isready exit ${c}`;
    const evidence = `from labelled ${ctx.namespace}: ${what(a)}; from unlabelled ${ctx.deniedNamespace}: ${what(d)}`;
    return { pass: (a === 0 || a === 1) && d === 2, evidence };
  },
};
