// The readiness checklist (docs/operations.md), one module per check. A check is pure:
// it describes the short-lived Jobs it needs (image, command, environment) and judges
// their outcome and logs into pass/fail plus evidence. src/commands/smoke/run.ts runs them.
// Each component's spec carries its checks (`ComponentSpec.smoke`) as factories that
// read the facts they need — address, port, Secrets, the image's user — from the spec.
import type { ComponentName } from '../contracts.ts';
import type { ComponentSpec, SecretContract, ServiceTls } from '../components/spec.ts';
import { serviceDns } from '../components/spec.ts';
import { InternalError } from '../errors.ts';
import type { Environment } from '../names.ts';

export interface SmokeContext {
  /** Unique per run: names the namespaces, Jobs and Kafka topic the run creates. */
  runId: string;
  /** The cluster's environment: which Secrets exist there (a Secret contract may name environments). */
  environment: Environment;
  /** Labelled soma.sh/allow-shared-infra=true: a consumer's view of the shared infra. */
  namespace: string;
  /** Not labelled: NetworkPolicies must keep it out. */
  deniedNamespace: string;
  /** Images of the live workloads (already on the nodes) and the pinned HTTP client. */
  images: Partial<Record<'postgres' | 'redis' | 'kafka', string>> & { curl: string };
  /** The cluster has a backup target (cluster.yaml `backup`): Postgres must be archiving WAL. */
  backup?: boolean;
  /** Brokers of the live Kafka's node pools: the broker count the metadata must show. */
  kafkaBrokers?: number;
  /** The Prometheus jobs that must each have a target on this cluster (its enabled components'). */
  scrapeJobs?: readonly string[];
  /**
   * The CA certificate (PEM) clients of a TLS component verify it with, read from the key
   * its spec names (`ServiceSpec.tls`); absent while cert-manager has not issued it.
   */
  caCertificates?: Partial<Record<ComponentName, string>>;
}

export interface EnvVar {
  name: string;
  value?: string;
  /** From a Secret copied into the run's namespace (same name as in soma-infra). */
  secret?: { name: string; key: string };
}

export interface JobRun {
  /** Appended to the check name to name the Job (e.g. 'allowed', 'denied'). */
  suffix?: string;
  namespace: string;
  image: string;
  /** The image's non-root user (Pod Security `restricted` wants it explicit for some images). */
  uid: number;
  command: string[];
  env?: EnvVar[];
  /** Memory limit; most clients are tiny, the Kafka CLI is a JVM. */
  memory?: string;
}

export interface JobResult {
  job: string;
  namespace: string;
  /** Failed: the container exited non-zero; Timeout: it did not finish in time. */
  phase: 'Succeeded' | 'Failed' | 'Timeout';
  log: string;
}

export interface Verdict {
  pass: boolean;
  evidence: string;
}

export interface SmokeCheck {
  name: string;
  /** The check runs only when this component is enabled for the cluster. */
  component: ComponentName;
  title: string;
  /** Secrets (in soma-infra) the run copies into its namespace for this check. */
  secrets?: string[];
  /** The Jobs to run, or a reason the check cannot run (e.g. the workload to borrow an image from is absent). */
  jobs(ctx: SmokeContext): JobRun[] | { cannot: string };
  judge(results: JobResult[], ctx: SmokeContext): Verdict;
  /**
   * What the check looks at converges by itself after a sync (Prometheus finding its
   * targets): a failing verdict is asked again every `everyMs` until `withinMs` has passed.
   */
  settle?: { withinMs: number; everyMs: number };
}

/** Whether a Secret of the contract exists in `environment` (none named: every environment). */
export function secretIn(secret: SecretContract, environment: Environment): boolean {
  return !secret.environments || secret.environments.includes(environment);
}

/** Why a Job did not give an answer, for evidence. */
export function jobTrouble(r: JobResult): string {
  const tail = r.log.trim().split('\n').slice(-3).join(' | ');
  if (r.phase === 'Timeout') return `job ${r.job} did not finish in time${tail ? `; log: ${tail}` : ''}`;
  return `job ${r.job} failed${tail ? `: ${tail}` : ' (no log)'}`;
}

/** The lines of a log that start with `marker `, without the marker. */
export function marked(log: string, marker: string): string[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith(`${marker} `))
    .map((l) => l.slice(marker.length + 1).trim());
}

/** A component's check, made from its spec (and, for cross-cutting checks, the others). */
export type SmokeFactory = (self: ComponentSpec, components: readonly ComponentSpec[]) => SmokeCheck;

/** What a client of a component needs: its contract address, port and Secrets, and the user its image runs as. */
export interface ClientFacts {
  host: string;
  port: number;
  secrets: readonly SecretContract[];
  uid: number;
  /** Set when the contract port speaks TLS. */
  tls?: ServiceTls;
}

export function clientFacts(spec: ComponentSpec): ClientFacts {
  if (!spec.service || spec.uid === null)
    throw new InternalError(`${spec.name} serves no contract: it cannot have a client smoke check`);
  return {
    host: serviceDns(spec.name),
    port: spec.service.port,
    secrets: spec.service.secrets,
    uid: spec.uid,
    ...(spec.service.tls ? { tls: spec.service.tls } : {}),
  };
}
