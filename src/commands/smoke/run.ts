// Runs the checklist against a live cluster through the Kubernetes API: a namespace for
// the run (labelled as a consumer), one for the NetworkPolicy denial, short-lived Jobs
// per check, their logs as evidence, and everything deleted afterwards. Jobs rather than
// `exec`: nothing depends on a shell or a client inside the component images, the
// NetworkPolicy check needs a client in another namespace anyway, and the whole flow is
// plain HTTP (create, poll, read log, delete) that tests can fake.
import type { LiveCluster } from '../../adapters/kube-live.ts';
import { connectTarget } from '../../adapters/cluster-endpoints.ts';
import type { Deps } from '../../cli/deps.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { COMPONENT_LIST, CONTRACTS } from '../../core/contracts.ts';
import { expectedScrapeJobs } from '../../core/components/prometheus.ts';
import { assessHealth } from '../../core/health.ts';
import { isExpectedError } from '../../core/errors.ts';
import { type KubeObject } from '../../core/kube.ts';
import { NAMESPACE, SMOKE_PREFIX } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import { CURL_IMAGE } from '../../core/smoke/checks/http.ts';
import { PODS_CHECK, SMOKE_CHECKS } from './index.ts';
import { caCertificates, imageOf, strimziKafka, workload } from './live-images.ts';
import { buildJob, buildNamespace } from './job.ts';
import { CHECK_CONCURRENCY, cleanLeftovers, type Leftover, runBoundMs } from './leftovers.ts';
import { renderSmokeText } from './render.ts';
import { type JobResult, secretIn, type SmokeCheck, type SmokeContext, type Verdict } from './types.ts';

export interface SmokeOptions {
  context?: string;
  cluster?: string;
  only: string[];
  timeoutMs: number;
  keep: boolean;
  json: boolean;
}

/** `npm run smoke`: check the names, connect, run the checks, print. Exit 1 when a check failed. */
export async function runSmoke(options: SmokeOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  // The checks run where the components run: the cluster's own context, also for a managed cluster.
  const { target: live, cluster } = await connectTarget(io.root, deps.connectLive, options);
  io.stderr(`smoke checks for cluster '${cluster.name}' on context '${live.context}'\n`);
  const report = await runChecks(live, cluster, {
    timeoutMs: options.timeoutMs,
    pollMs: deps.pollMs,
    keep: options.keep,
    only: options.only,
    runId: deps.runId(),
    sleep: deps.sleep,
    now: deps.now,
    onProgress: (line) => io.stderr(`${line}\n`),
  });
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderSmokeText(report));
  return report.checks.some((c) => c.result === 'fail') ? 1 : 0;
}

export interface ChecksOptions {
  /** Per Job: how long it may take, image pull included. */
  timeoutMs: number;
  pollMs: number;
  /** Leave the run's namespaces for debugging. */
  keep: boolean;
  only?: readonly string[];
  runId: string;
  onProgress?: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface CheckOutcome {
  name: string;
  title: string;
  result: 'pass' | 'fail' | 'skip';
  evidence: string;
  jobs: { name: string; namespace: string; phase: JobResult['phase'] }[];
}

export interface SmokeReport {
  context: string;
  cluster: string;
  runId: string;
  namespaces: string[];
  /** Namespaces of earlier runs: deleted at the start, or left alone while their run may still be going. */
  leftovers: { deleted: string[]; kept: Leftover[] };
  checks: CheckOutcome[];
}

/** Checks selected by --only (names validated by the command) and enabled for the cluster. */
export function selectChecks(
  cluster: ClusterConfig,
  only?: readonly string[],
): { run: SmokeCheck[]; skipped: SmokeCheck[] } {
  const wanted = SMOKE_CHECKS.filter((c) => !only?.length || only.includes(c.name));
  return {
    run: wanted.filter((c) => cluster.components.includes(c.component)),
    skipped: wanted.filter((c) => !cluster.components.includes(c.component)),
  };
}

/** Every pod in soma-infra Ready (or finished successfully): the "Pods Ready" check of docs/operations.md. */
async function podsCheck(live: LiveCluster): Promise<Verdict> {
  const pods = await live.list('v1', 'Pod', { namespace: NAMESPACE });
  if (!pods.length) return { pass: false, evidence: `no pods in ${NAMESPACE}` };
  const bad = pods.map((p) => ({ p, h: assessHealth(p) })).filter(({ h }) => h.status !== 'Healthy');
  if (!bad.length)
    return { pass: true, evidence: `${pods.length}/${pods.length} pods in ${NAMESPACE} Ready or completed` };
  return {
    pass: false,
    evidence: `${bad.length} of ${pods.length} pods not Ready: ${bad.map(({ p, h }) => `${p.metadata.name} ${h.status}${h.message ? ` (${h.message})` : ''}`).join('; ')}`,
  };
}

function isFinished(job: KubeObject | undefined): 'Succeeded' | 'Failed' | undefined {
  const conditions = (
    (job?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  ).filter((c) => c.status === 'True');
  if (conditions.some((c) => c.type === 'Complete' || c.type === 'SuccessCriteriaMet')) return 'Succeeded';
  if (conditions.some((c) => c.type === 'Failed' || c.type === 'FailureTarget')) return 'Failed';
  return undefined;
}

/** Why a pod has not finished: its phase and any container waiting reason (ImagePullBackOff, ...). */
function podState(pod: KubeObject | undefined): string {
  if (!pod) return 'no pod was created (kubectl describe job shows why, e.g. Pod Security admission)';
  const status = pod.status as
    | { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] }
    | undefined;
  const waiting = status?.containerStatuses?.map((c) => c.state?.waiting).find(Boolean);
  return `pod ${pod.metadata.name} ${status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})` : ''}`;
}

async function runJob(live: LiveCluster, job: KubeObject, opts: ChecksOptions): Promise<JobResult> {
  const { name, namespace = '' } = job.metadata;
  await live.create(job);
  try {
    const deadline = opts.now() + opts.timeoutMs;
    let phase: JobResult['phase'] | undefined;
    while (!phase) {
      phase = isFinished(await live.get('batch/v1', 'Job', name, namespace));
      if (!phase && opts.now() + opts.pollMs > deadline) phase = 'Timeout';
      else if (!phase) await opts.sleep(opts.pollMs);
    }
    const [pod] = await live.list('v1', 'Pod', { namespace, labelSelector: `job-name=${name}` });
    const log = pod ? await live.podLog(namespace, pod.metadata.name).catch(() => '') : '';
    return { job: name, namespace, phase, log: phase === 'Timeout' && !log.trim() ? podState(pod) : log };
  } finally {
    await live.delete('batch/v1', 'Job', name, namespace);
  }
}

async function copySecrets(
  live: LiveCluster,
  names: readonly string[],
  namespace: string,
): Promise<Map<string, string>> {
  const missing = new Map<string, string>();
  for (const name of names) {
    const s = await live.get('v1', 'Secret', name, NAMESPACE);
    if (!s)
      missing.set(
        name,
        `Secret ${NAMESPACE}/${name} not found (bootstrap creates it in dev; an operator provides it elsewhere)`,
      );
    else
      await live.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        type: s.type,
        data: s.data,
      } as KubeObject);
  }
  return missing;
}

/** Every contract Secret by name, with the environments it exists in. */
const SECRET_CONTRACTS = new Map(Object.values(CONTRACTS).flatMap((c) => c.secrets.map((s) => [s.name, s] as const)));

/** The check's Secrets that exist in this cluster's environment (a dev cluster has no Redis password). */
function secretsHere(check: SmokeCheck, ctx: SmokeContext): string[] {
  return (check.secrets ?? []).filter((name) => {
    const contract = SECRET_CONTRACTS.get(name);
    return !contract || secretIn(contract, ctx.environment);
  });
}

async function runCheck(
  live: LiveCluster,
  check: SmokeCheck,
  ctx: SmokeContext,
  missing: Map<string, string>,
  opts: ChecksOptions,
): Promise<CheckOutcome> {
  const base = { name: check.name, title: check.title };
  const lacking = secretsHere(check, ctx)
    .map((s) => missing.get(s))
    .find(Boolean);
  if (lacking) return { ...base, result: 'fail', evidence: lacking, jobs: [] };
  const until = opts.now() + (check.settle?.withinMs ?? 0);
  for (let attempt = 1; ; attempt++) {
    const outcome = await askOnce(live, check, ctx, opts, attempt);
    const again = check.settle && outcome.result === 'fail' && outcome.jobs.length > 0;
    if (!again || opts.now() + check.settle!.everyMs > until) {
      opts.onProgress?.(`${check.name}: ${outcome.result === 'pass' ? 'pass' : 'FAIL'} — ${outcome.evidence}`);
      return outcome;
    }
    opts.onProgress?.(
      `${check.name}: not yet — ${outcome.evidence}; asking again in ${check.settle!.everyMs / 1000} s`,
    );
    await opts.sleep(check.settle!.everyMs);
  }
}

/** The check's Jobs, run once (a later attempt's Jobs are named apart), and its verdict on them. */
async function askOnce(
  live: LiveCluster,
  check: SmokeCheck,
  ctx: SmokeContext,
  opts: ChecksOptions,
  attempt: number,
): Promise<CheckOutcome> {
  const base = { name: check.name, title: check.title };
  const runs = check.jobs(ctx);
  if (!Array.isArray(runs)) return { ...base, result: 'fail', evidence: runs.cannot, jobs: [] };
  const deadline = Math.ceil(opts.timeoutMs / 1000);
  const named =
    attempt === 1 ? runs : runs.map((r) => ({ ...r, suffix: `${r.suffix ? `${r.suffix}-` : ''}${attempt}` }));
  const jobs = named.map((r) => buildJob(check.name, ctx.runId, r, deadline));
  // Every Job ends (or is never created) before the check does: its namespace is deleted after.
  const settled = await Promise.allSettled(jobs.map((j) => runJob(live, j, opts)));
  const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ job: jobs[i]!.metadata.name, error: s.reason as unknown }] : [],
  );
  const bug = failed.find((f) => !isExpectedError(f.error));
  if (bug) throw bug.error;
  const verdict: Verdict = failed.length
    ? {
        pass: false,
        evidence: failed.map((f) => `could not run job ${f.job}: ${(f.error as Error).message}`).join('; '),
      }
    : check.judge(results, ctx);
  return {
    ...base,
    result: verdict.pass ? 'pass' : 'fail',
    evidence: verdict.evidence,
    jobs: results.map((r) => ({ name: r.job, namespace: r.namespace, phase: r.phase })),
  };
}

/** Runs the selected checks against one cluster and reports each; the run's namespaces are removed unless kept. */
export async function runChecks(live: LiveCluster, cluster: ClusterConfig, opts: ChecksOptions): Promise<SmokeReport> {
  const { run, skipped } = selectChecks(cluster, opts.only);
  const now = opts.now();
  const leftovers = await cleanLeftovers(live, opts.runId, now, (line) => opts.onProgress?.(line));
  const expires = new Date(now + runBoundMs(run.length, opts.timeoutMs)).toISOString();
  const [pg, redis] = await Promise.all(['postgres', 'redis'].map((n) => workload(live, n)));
  const kafka = await strimziKafka(live);
  const enabled = COMPONENT_LIST.filter((c) => cluster.components.includes(c.name));
  const ctx: SmokeContext = {
    runId: opts.runId,
    environment: cluster.environment,
    namespace: `${SMOKE_PREFIX}-${opts.runId}`,
    deniedNamespace: `${SMOKE_PREFIX}-${opts.runId}-denied`,
    images: {
      postgres: imageOf(pg, 'postgres'),
      redis: imageOf(redis, 'redis'),
      kafka: kafka.image,
      curl: CURL_IMAGE,
    },
    kafkaBrokers: kafka.brokers,
    backup: cluster.backup !== undefined,
    caCertificates: await caCertificates(live, enabled),
    scrapeJobs: expectedScrapeJobs(enabled),
  };
  const checks: CheckOutcome[] = [];
  if (!opts.only?.length || opts.only.includes(PODS_CHECK)) {
    const v = await podsCheck(live);
    opts.onProgress?.(`${PODS_CHECK}: ${v.pass ? 'pass' : 'FAIL'} — ${v.evidence}`);
    checks.push({
      name: PODS_CHECK,
      title: `every pod in ${NAMESPACE} Ready`,
      result: v.pass ? 'pass' : 'fail',
      evidence: v.evidence,
      jobs: [],
    });
  }
  const namespaces = run.length
    ? [ctx.namespace, ...(run.some((c) => c.name === 'networkpolicy') ? [ctx.deniedNamespace] : [])]
    : [];
  try {
    for (const ns of namespaces) await live.create(buildNamespace(ns, ctx.runId, ns === ctx.namespace, expires));
    const missing = await copySecrets(live, [...new Set(run.flatMap((c) => secretsHere(c, ctx)))], ctx.namespace);
    checks.push(...(await mapLimit(run, CHECK_CONCURRENCY, (c) => runCheck(live, c, ctx, missing, opts))));
  } finally {
    if (!opts.keep) for (const ns of namespaces) await live.delete('v1', 'Namespace', ns);
  }
  for (const c of skipped)
    checks.push({
      name: c.name,
      title: c.title,
      result: 'skip',
      evidence: `${c.component} is not enabled for cluster ${cluster.name}`,
      jobs: [],
    });
  return { context: live.context, cluster: cluster.name, runId: opts.runId, namespaces, leftovers, checks };
}
