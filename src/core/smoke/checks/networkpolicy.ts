// NetworkPolicy enforcement (the platform's check): a client in a namespace labelled
// soma.sh/allow-shared-infra reaches postgres, one in an unlabelled namespace gets no
// answer. pg_isready exit codes: 0 accepting, 1 rejecting (reachable), 2 no response,
// 3 no attempt.
import type { ComponentSpec } from '../../components/spec.ts';
import { InternalError } from '../../errors.ts';
import { LABELS } from '../../names.ts';
import { clientFacts, jobTrouble, marked, type JobResult, type SmokeFactory } from '../types.ts';

/** The component the probe connects to (its image brings pg_isready). */
const TARGET = 'postgres';

function code(r: JobResult | undefined): number | undefined {
  const v = r && marked(r.log, 'exit')[0];
  return v === undefined ? undefined : Number(v);
}

function target(components: readonly ComponentSpec[]): ComponentSpec {
  const t = components.find((c) => c.name === TARGET);
  if (!t) throw new InternalError(`the NetworkPolicy smoke check probes ${TARGET}, which is not registered`);
  return t;
}

export const networkPolicySmoke: SmokeFactory = (_self, components) => {
  const { host, port, uid } = clientFacts(target(components));
  const probe = `pg_isready -h ${host} -p ${port} -t 8 >/dev/null 2>&1; echo "exit $?"`;
  return {
    name: 'networkpolicy',
    component: TARGET,
    title: `NetworkPolicy: ${TARGET} reachable only from namespaces labelled ${LABELS.allowSharedInfra}=true`,
    jobs: (ctx) => {
      if (!ctx.images.postgres) return { cannot: 'no postgres workload in soma-infra to take the client image from' };
      const run = (suffix: string, namespace: string) => ({
        suffix,
        namespace,
        image: ctx.images.postgres!,
        uid,
        command: ['sh', '-c', probe],
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
};
