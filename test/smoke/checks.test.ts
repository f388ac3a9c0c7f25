// The pure half of each smoke check: the Jobs it asks for and how it judges their logs.
import { describe, expect, it } from 'vitest';
import { SMOKE_CHECKS } from '../../src/commands/smoke/index.ts';
import { buildJob, buildNamespace } from '../../src/commands/smoke/job.ts';
import { opaInputs } from '../../src/core/smoke/checks/opa.ts';
import type { JobResult, SmokeCheck, SmokeContext } from '../../src/commands/smoke/types.ts';

const ctx: SmokeContext = {
  runId: 'r1',
  environment: 'dev',
  namespace: 'soma-smoke-r1',
  deniedNamespace: 'soma-smoke-r1-denied',
  images: {
    postgres: 'docker.io/library/postgres:18.6-trixie',
    redis: 'docker.io/library/redis:8.10.2-trixie',
    kafka: 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1',
    curl: 'docker.io/curlimages/curl:8.16.0',
  },
  kafkaBrokers: 1,
  caCertificates: { vault: '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----' },
};
const check = (name: string): SmokeCheck => SMOKE_CHECKS.find((c) => c.name === name)!;
const ok = (log: string, namespace = ctx.namespace): JobResult => ({ job: 'j', namespace, phase: 'Succeeded', log });

const TARGETS = (health: string[]) =>
  JSON.stringify({
    status: 'success',
    data: {
      activeTargets: health.map((h, i) => ({
        health: h,
        labels: { job: `job${i}`, instance: `10.0.0.${i}:9090` },
        lastError: h === 'up' ? '' : 'connection refused',
      })),
    },
  });

const CASES: [string, JobResult[], boolean, RegExp][] = [
  ['postgres', [ok('1\n')], true, /SELECT 1 returned 1 on postgres\.soma-infra\.svc\.cluster\.local:5432/],
  [
    'postgres',
    [
      {
        job: 'j',
        namespace: 'n',
        phase: 'Failed',
        log: 'psql: error: connection to server failed: FATAL:  password authentication failed for user "soma"\n',
      },
    ],
    false,
    /password authentication failed/,
  ],
  ['redis', [ok('PONG\n')], true, /PONG/],
  ['redis', [ok('NOAUTH Authentication required.\n')], false, /NOAUTH/],
  [
    'kafka',
    [ok('brokers 1\nsent soma-smoke-r1-payload\nreceived soma-smoke-r1-payload\n')],
    true,
    /1 broker\(s\) in the metadata \(expected 1\); topic round-trip/,
  ],
  ['kafka', [ok('brokers 1\nsent soma-smoke-r1-payload\nreceived \n')], false, /received ""/],
  ['kafka', [ok('brokers 2\nsent x\nreceived x\n')], false, /2 broker\(s\) in the metadata \(expected 1\)/],
  [
    'kafka',
    [
      {
        job: 'j',
        namespace: 'n',
        phase: 'Failed',
        log: 'brokers 1\nError while executing topic command : Timed out waiting for a node assignment.\n',
      },
    ],
    false,
    /1 broker\(s\) answered, then job j failed: .*node assignment/,
  ],
  ['opa', [ok('allow {"result":true}\ndeny {"result":false}\n')], true, /same tenant → true, other tenant → false/],
  ['opa', [ok('allow {"result":true}\ndeny {"result":true}\n')], false, /other tenant → true/],
  ['opa', [ok('allow {}\ndeny {}\n')], false, /same tenant → undefined/],
  [
    'vault',
    [ok('health 200 {"initialized":true,"sealed":false,"standby":false,"version":"1.21.4"}\n')],
    true,
    /HTTP 200 \(TLS verified with the in-cluster CA\): initialized=true, sealed=false, standby=false, version 1\.21\.4/,
  ],
  ['vault', [ok('health 503 {"initialized":true,"sealed":true,"standby":true}\n')], false, /sealed=true/],
  ['vault', [ok('health 000 \n')], false, /no health answer/],
  ['etcd', [ok('health 200 {"health":"true","reason":""}\n')], true, /health=true/],
  ['etcd', [ok('health 503 {"health":"false","reason":"RAFT NO LEADER"}\n')], false, /RAFT NO LEADER/],
  ['prometheus', [ok(`targets 200 ${TARGETS(['up', 'up', 'up'])}\n`)], true, /3\/3 targets up/],
  [
    'prometheus',
    [ok(`targets 200 ${TARGETS(['up', 'down'])}\n`)],
    false,
    /1 of 2 targets not up: job1 10\.0\.0\.1:9090 down: connection refused/,
  ],
  ['prometheus', [ok(`targets 200 ${TARGETS([])}\n`)], false, /no active targets/],
  [
    'grafana',
    [
      ok(
        'health 200 {"database":"ok","version":"12.4.12"}\ndatasources 200 [{"uid":"prometheus"}]\nds prometheus 200 {"status":"OK","message":"Successfully queried the Prometheus API."}\n',
      ),
    ],
    true,
    /database ok \(Grafana 12\.4\.12\); 1 datasource\(s\) healthy: prometheus/,
  ],
  [
    'grafana',
    [
      ok(
        'health 200 {"database":"ok"}\ndatasources 200 [{"uid":"prometheus"}]\nds prometheus 400 {"status":"ERROR","message":"Post \\"http://prometheus:9090\\": dial tcp: i/o timeout"}\n',
      ),
    ],
    false,
    /prometheus: Post .*i\/o timeout/,
  ],
  [
    'grafana',
    [ok('health 200 {"database":"ok"}\ndatasources 401 {"message":"invalid username or password"}\n')],
    false,
    /cannot list datasources as the admin user \(HTTP 401\)/,
  ],
  [
    'networkpolicy',
    [ok('exit 0\n'), ok('exit 2\n', ctx.deniedNamespace)],
    true,
    /from labelled soma-smoke-r1: accepting connections; from unlabelled soma-smoke-r1-denied: no response/,
  ],
  [
    'networkpolicy',
    [ok('exit 0\n'), ok('exit 0\n', ctx.deniedNamespace)],
    false,
    /unlabelled soma-smoke-r1-denied: accepting connections/,
  ],
  [
    'networkpolicy',
    [ok('exit 2\n'), ok('exit 2\n', ctx.deniedNamespace)],
    false,
    /labelled soma-smoke-r1: no response/,
  ],
];

describe('smoke check judges', () => {
  it.each(CASES)('%s: %#', (name, results, pass, evidence) => {
    const v = check(name).judge(results, ctx);
    expect(v.pass).toBe(pass);
    expect(v.evidence).toMatch(evidence);
  });

  it("prometheus: a job of the cluster's components that has no target at all fails, naming it", () => {
    const targets = [ok(`targets 200 ${TARGETS(['up', 'up'])}\n`)];
    const missing = check('prometheus').judge(targets, {
      ...ctx,
      scrapeJobs: ['job0', 'vault', 'job1', 'cert-manager'],
    });
    expect(missing.pass).toBe(false);
    expect(missing.evidence).toMatch(/^no target for jobs vault, cert-manager: /);
    const present = check('prometheus').judge(targets, { ...ctx, scrapeJobs: ['job0', 'job1'] });
    expect(present).toEqual({ pass: true, evidence: '2/2 targets up' });
  });

  it('a timed-out job says so with what the pod was doing', () => {
    const v = check('redis').judge(
      [
        {
          job: 'soma-smoke-redis-r1',
          namespace: 'n',
          phase: 'Timeout',
          log: 'pod soma-smoke-redis-r1-x Pending (ImagePullBackOff: Back-off pulling image)',
        },
      ],
      ctx,
    );
    expect(v).toEqual({
      pass: false,
      evidence:
        'job soma-smoke-redis-r1 did not finish in time; log: pod soma-smoke-redis-r1-x Pending (ImagePullBackOff: Back-off pulling image)',
    });
  });
});

describe('smoke jobs', () => {
  it('every check asks for Jobs that meet Pod Security restricted, with secrets by reference only', () => {
    for (const c of SMOKE_CHECKS) {
      const runs = c.jobs(ctx);
      if (!Array.isArray(runs)) throw new Error(`${c.name}: ${runs.cannot}`);
      for (const run of runs) {
        const job = buildJob(c.name, ctx.runId, run, 120) as any;
        expect(job.metadata.name.length).toBeLessThanOrEqual(63);
        expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 120, ttlSecondsAfterFinished: 600 });
        const pod = job.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never');
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        const [container] = pod.containers;
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.image).not.toMatch(/:latest$|^[^:]+$/);
        for (const e of container.env) expect(e.value === undefined || !/password/i.test(e.name)).toBe(true);
      }
    }
  });

  it('says why a check cannot run without the workload it borrows its client from', () => {
    const bare = { ...ctx, images: { curl: ctx.images.curl } };
    expect(check('postgres').jobs(bare)).toEqual({
      cannot: 'no postgres workload in soma-infra to take the client image from',
    });
    expect(Array.isArray(check('vault').jobs(bare))).toBe(true);
  });

  it('vault verifies TLS with the CA certificate it is handed, and says so when there is none', () => {
    const [run] = check('vault').jobs(ctx) as { command: string[]; env: { name: string; value?: string }[] }[];
    const script = run!.command.join(' ');
    expect(script).toContain('--cacert /tmp/ca.crt');
    expect(script).toContain('https://vault.soma-infra.svc.cluster.local:8200/v1/sys/health');
    expect(script).not.toMatch(/--insecure|-k /);
    expect(run!.env).toEqual([{ name: 'SOMA_CA', value: ctx.caCertificates!.vault }]);
    expect(check('vault').jobs({ ...ctx, caCertificates: {} })).toEqual({
      cannot: expect.stringContaining('no CA certificate in Secret soma-infra/vault-tls key ca.crt'),
    });
  });

  it('redis authenticates with the password Secret where the environment has one, by reference only', () => {
    const auth = (environment: 'dev' | 'staging' | 'prod') =>
      (check('redis').jobs({ ...ctx, environment }) as { env?: unknown[] }[])[0]!.env;
    expect(check('redis').secrets).toEqual(['soma-infra-redis-auth']);
    expect(auth('dev')).toBeUndefined();
    for (const env of ['staging', 'prod'] as const)
      expect(auth(env)).toEqual([
        { name: 'REDISCLI_AUTH', secret: { name: 'soma-infra-redis-auth', key: 'password' } },
      ]);
  });

  it("kafka goes through the contract Service and lets the brokers pick the topic's replication (prod's min ISR 2)", () => {
    const [job] = check('kafka').jobs(ctx) as { command: string[]; uid: number }[];
    const script = job!.command.at(-1)!;
    expect(script).toContain('--bootstrap-server kafka.soma-infra.svc.cluster.local:9092');
    expect(script).not.toContain('--replication-factor');
    // Strimzi's Kafka image runs as user 1001, which the Job runs as too.
    expect(job!.uid).toBe(1001);
  });

  it('the network policy check runs one client in each namespace', () => {
    const runs = check('networkpolicy').jobs(ctx) as { namespace: string }[];
    expect(runs.map((r) => r.namespace)).toEqual(['soma-smoke-r1', 'soma-smoke-r1-denied']);
  });

  it('namespaces: the consumer one carries the allow label, the denied one does not; both enforce restricted', () => {
    expect(buildNamespace('a', 'r1', true).metadata.labels).toMatchObject({
      'soma.sh/allow-shared-infra': 'true',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(buildNamespace('b', 'r1', false).metadata.labels).not.toHaveProperty('soma.sh/allow-shared-infra');
  });

  it('the OPA inputs come from the shipped allowlist and differ only in the tenant', () => {
    const { allow, deny } = opaInputs() as {
      allow: { input: Record<string, unknown> };
      deny: { input: Record<string, unknown> };
    };
    expect(allow.input.identity).toMatchObject({ service: 'somaagent01-gateway' });
    expect({ ...allow.input, tenant: undefined }).toEqual({ ...deny.input, tenant: undefined });
    expect(allow.input.tenant).not.toBe(deny.input.tenant);
  });
});

describe('postgres where the cluster has a backup target', () => {
  const withBackup: SmokeContext = { ...ctx, backup: true };
  it('asks the primary for the age of its last WAL archive too', () => {
    const jobs = check('postgres').jobs(withBackup) as { command: string[] }[];
    expect(jobs[0]!.command.at(-1)).toContain('pg_stat_archiver');
    expect((check('postgres').jobs(ctx) as { command: string[] }[])[0]!.command.at(-1)).toBe('SELECT 1');
  });

  it.each([
    ['1|42|3', true, /last WAL archived 42 s ago/],
    ['1|1200|4', false, /last WAL archive is 1200 s old with 3 segment\(s\) waiting \(RPO 900 s\)/],
    // An idle database: the archive is old, but only the open segment is unarchived.
    ['1|5000|1', true, /nothing waits to be archived \(last archive 5000 s ago\)/],
    ['1|5000|0', true, /nothing waits to be archived/],
    ['1|1200|-1', false, /last WAL archive is 1200 s old with segments waiting/],
    ['1|-1|-1', false, /no WAL segment was ever archived/],
    ['0|42|1', false, /SELECT 1 returned "0\|42\|1"/],
  ] as const)('judges %s: pass %s', (log, pass, evidence) => {
    const v = check('postgres').judge([ok(`${log}\n`)], withBackup);
    expect(v.pass).toBe(pass);
    expect(v.evidence).toMatch(evidence);
  });
});
