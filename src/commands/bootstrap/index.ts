// `npm run bootstrap`, as a function: load the cluster, refuse anything but a local Kind
// cluster, then either print the plan (--dry-run) or run the eight steps, and report
// per-step and per-component timings as text or JSON.
import { isExpectedError, UserError } from '../../core/errors.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { loadCluster } from '../../adapters/inputs.ts';
import { kindContext } from '../../adapters/kube.ts';
import { accessStep, renderAccess, type AccessInfo } from './access.ts';
import { argocdStep } from './argocd.ts';
import { clusterStep } from './cluster.ts';
import { buildDryRunPlan, type DryRunPlan } from './plan.ts';
import { resolveTools } from '../../adapters/tools.ts';
import { preflightStep } from './preflight.ts';
import { formatDuration, Progress } from './progress.ts';
import { repositoryStep } from './repository.ts';
import { rootAppStep } from './root-app.ts';
import { secretsStep } from './secrets.ts';
import { runSteps } from './steps.ts';
import type { Deps } from '../../cli/deps.ts';
import { NotHealthyError, type BootstrapContext, type BootstrapOptions, type ComponentTiming, type Step, type StepReport } from './types.ts';
import { waitStep } from './wait.ts';

export const STEPS: readonly Step[] = [preflightStep, clusterStep, argocdStep, secretsStep, repositoryStep, rootAppStep, waitStep, accessStep];

export interface BootstrapResult {
  cluster: string;
  context: string;
  ok: boolean;
  /** False when the run found everything in place and changed nothing. */
  changed: boolean;
  durationMs: number;
  steps: StepReport[];
  components: ComponentTiming[];
  access?: AccessInfo;
  warnings: string[];
  error?: { message: string; details: string[]; hint?: string };
}

function requireKind(cluster: ClusterConfig): asserts cluster is ClusterConfig & { kind: NonNullable<ClusterConfig['kind']> } {
  if (!cluster.kind) {
    throw new UserError(
      `bootstrap is for local Kind clusters, and '${cluster.name}' is not one (${cluster.source} has no kind: section)`,
      `register '${cluster.name}' with the Argo CD that manages it and apply bootstrap/clusters/${cluster.name}/root-app.yaml there; see docs/bootstrap.md`,
    );
  }
}

export async function createContext(options: BootstrapOptions, deps: Deps): Promise<BootstrapContext> {
  const cluster = await loadCluster(deps.io.root, options.cluster);
  requireKind(cluster);
  return { options, deps, cluster, progress: new Progress(deps.io, deps.now), tools: await resolveTools(deps.io.root), components: [], warnings: [] };
}

export async function planDryRun(options: BootstrapOptions, deps: Deps): Promise<{ code: number; plan: DryRunPlan }> {
  const ctx = await createContext(options, deps);
  const plan = await buildDryRunPlan(ctx);
  return { code: plan.problems.length ? 2 : 0, plan };
}

/** Runs the steps; never throws for a failed step (the result says what failed), only for bugs and bad input. */
export async function bootstrapCluster(options: BootstrapOptions, deps: Deps): Promise<{ code: number; result: BootstrapResult }> {
  const ctx = await createContext(options, deps);
  const start = deps.now();
  const { reports, error } = await runSteps(STEPS, ctx);
  const result: BootstrapResult = {
    cluster: ctx.cluster.name,
    context: kindContext(ctx.cluster.kind.name),
    ok: !error,
    changed: reports.some((r) => r.changed),
    durationMs: deps.now() - start,
    steps: reports,
    components: ctx.components,
    access: ctx.access,
    warnings: ctx.warnings,
  };
  if (!error) return { code: 0, result };
  if (error instanceof NotHealthyError) {
    result.error = { message: error.message, details: error.details, hint: error.hint };
    return { code: 1, result };
  }
  if (isExpectedError(error)) {
    result.error = { message: error.message, details: [], hint: error.hint };
    return { code: 2, result };
  }
  throw error;
}

/** The closing report for a person: outcome, time to healthy per component, how to get in. */
/** A failed run's error for a person: the step that failed, the message, its details and the fix. */
export function failureLines(r: Pick<BootstrapResult, 'error' | 'steps'>): string[] {
  const e = r.error!;
  const failed = r.steps.find((s) => s.status === 'failed');
  return [
    `error: ${failed ? `${failed.title}: ` : ''}${e.message}`,
    ...e.details.map((d) => (d.startsWith('  ') ? `  ${d}` : `  - ${d}`)),
    ...(e.hint ? [`  fix: ${e.hint}`] : []),
  ];
}

export function renderResult(r: BootstrapResult): { stdout: string; stderr: string } {
  if (!r.ok) {
    const stderr = [
      ...failureLines(r),
      'Run `npm run bootstrap` again after fixing this: completed steps are checked, not redone.',
    ];
    return { stdout: '', stderr: `${stderr.join('\n')}\n` };
  }
  const head = r.changed
    ? `Bootstrap of ${r.cluster} finished in ${formatDuration(r.durationMs)}: every Application is Synced and Healthy.`
    : `Nothing to change: ${r.cluster} was already bootstrapped and every Application is Synced and Healthy (checked in ${formatDuration(r.durationMs)}).`;
  const timings = r.components.map((c) => `  ${c.component.padEnd(12)} ${c.application.padEnd(28)} ${c.timeToHealthyMs === null ? '-' : formatDuration(c.timeToHealthyMs)}`);
  const out = [head, '', 'Time to healthy (from the start of the wait):', ...timings, '', ...(r.access ? renderAccess(r.access) : [])];
  const warn = r.warnings.length ? `${r.warnings.length} warning(s):\n${r.warnings.map((w) => `  ! ${w}`).join('\n')}\n` : '';
  return { stdout: `${out.join('\n')}\n`, stderr: warn };
}
