// The shapes shared by the bootstrap steps: options from the command line, the context
// the steps share (with the command's Deps), and what each step reports.
import type { Deps } from '../../cli/deps.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { InternalError } from '../../core/errors.ts';
import type { KubeClient } from '../../adapters/kube.ts';
import type { AccessInfo } from './access.ts';
import type { Progress } from './progress.ts';

export const STEP_NAMES = ['preflight', 'cluster', 'argocd', 'register', 'secrets', 'repository', 'root-app', 'wait', 'access'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface BootstrapOptions {
  cluster: string;
  dryRun: boolean;
  /** How long each wait (Argo CD ready, Applications healthy) may take. */
  timeoutMs: number;
  /** How long an Application may stay Degraded before bootstrap gives up on it. */
  degradedGraceMs: number;
  installTools: boolean;
  json: boolean;
  /** The target's kubeconfig context, instead of the one cluster.yaml declares (not for Kind). */
  context?: string;
  /** The hub's kubeconfig context, for a cluster managed from a hub. */
  hubContext?: string;
}

/** The programs bootstrap runs: a project-local pinned copy or the one on PATH. */
export type { ToolPaths } from '../../adapters/tools.ts';
import type { ToolPaths } from '../../adapters/tools.ts';

export interface BootstrapContext {
  options: BootstrapOptions;
  deps: Deps;
  cluster: ClusterConfig;
  /** The hub's cluster.yaml, for a cluster managed from a hub. */
  hub?: ClusterConfig;
  /** The kubeconfig contexts of the cluster and of the Argo CD that manages it (the same when standalone). */
  contexts: { target: string; argocd: string };
  progress: Progress;
  tools: ToolPaths;
  /** The cluster's API (the Kind step or, for any other cluster, preflight sets it). */
  client?: KubeClient;
  /** The API of the cluster whose Argo CD holds the Applications: the hub's, or `client`. */
  argocdClient?: KubeClient;
  /** The identity preflight read: the UID of the cluster's kube-system namespace. */
  identity?: { uid: string; server: string };
  /** The commit Argo CD should end up at, when preflight could resolve it. */
  expectedRevision?: string;
  /** Whether the Kind cluster existed before this run (preflight finds out). */
  clusterExists?: boolean;
  /** Per-Application time to healthy, filled by the wait step. */
  components: ComponentTiming[];
  /** Set by the access step. */
  access?: AccessInfo;
  warnings: string[];
}

/** The Kind section of a Kind cluster's config; the Kind-only steps call it. */
export function kindOf(cluster: ClusterConfig): NonNullable<ClusterConfig['kind']> {
  if (!cluster.kind) throw new InternalError(`a Kind-only bootstrap step ran for '${cluster.name}', which is not a Kind cluster`);
  return cluster.kind;
}

export interface StepResult {
  /** Whether the step changed anything in the cluster. */
  changed: boolean;
  summary: string;
  /** Extra lines shown under the step (what was applied, what was kept). */
  details?: string[];
}

export interface Step {
  name: StepName;
  title: string;
  run(ctx: BootstrapContext): Promise<StepResult>;
}

export interface StepReport {
  name: StepName;
  title: string;
  status: 'ok' | 'failed' | 'not-run';
  durationMs: number;
  changed: boolean;
  summary: string;
}

export interface ComponentTiming {
  application: string;
  component: string;
  /** From the start of the wait until first seen Synced and Healthy; 0 when it already was. */
  timeToHealthyMs: number | null;
  sync: string;
  health: string;
  revision: string;
}

/** A wait that ended without everything healthy: exit code 1, with what is not OK and why. */
export class NotHealthyError extends Error {
  override name = 'NotHealthyError';
  readonly details: string[];
  readonly hint: string | undefined;
  constructor(message: string, details: string[], hint?: string) {
    super(message);
    this.details = details;
    this.hint = hint;
  }
}
