// `npm run bootstrap`, as a function: load the cluster, refuse anything but a local Kind
// cluster, then either print the plan (--dry-run) or run the eight steps, and report
// per-step and per-component timings as text or JSON.
import { isExpectedError, UserError } from '../../core/errors.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { loadClusters } from '../../adapters/inputs.ts';
import { resolveEndpoints } from '../../adapters/cluster-endpoints.ts';
import { isStandalone } from '../../core/topology.ts';
import { registerStep } from './register.ts';
import { remoteClusterStep } from './target.ts';
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

/** The steps for a cluster: Kind or an existing one; its own Argo CD or a hub's. */
export function stepsFor(cluster: ClusterConfig): readonly Step[] {
  const second = cluster.kind ? clusterStep : remoteClusterStep;
  const third = isStandalone(cluster) ? argocdStep : registerStep;
  return [preflightStep, second, third, secretsStep, repositoryStep, rootAppStep, waitStep, accessStep];
}

export interface BootstrapResult {
  cluster: string;
  context: string;
  /** For a cluster managed from a hub: the hub and the context its Argo CD was reached through. */
  hub?: { cluster: string; context: string };
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

/** The cluster, its hub and the two contexts; a Kind cluster's context is always kind-<name>. */
async function resolveCluster(options: BootstrapOptions, root: string): Promise<Pick<BootstrapContext, 'cluster' | 'hub' | 'contexts'>> {
  const all = await loadClusters(root);
  const cluster = all.find((c) => c.name === options.cluster);
  if (!cluster) throw new UserError(`unknown cluster '${options.cluster}'`, `one of: ${all.map((c) => c.name).join(', ')}`);
  if (cluster.kind && (options.context || options.hubContext))
    throw new UserError(`'${cluster.name}' is a Kind cluster, always reached through ${kindContext(cluster.kind.name)}`, 'drop --context / --hub-context');
  const e = resolveEndpoints(cluster, all, options);
  return { cluster, hub: e.hub, contexts: { target: e.target, argocd: e.argocd } };
}

export async function createContext(options: BootstrapOptions, deps: Deps): Promise<BootstrapContext> {
  const resolved = await resolveCluster(options, deps.io.root);
  return { options, deps, ...resolved, progress: new Progress(deps.io, deps.now), tools: await resolveTools(deps.io.root), components: [], warnings: [] };
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
  const { reports, error } = await runSteps(stepsFor(ctx.cluster), ctx);
  const result: BootstrapResult = {
    cluster: ctx.cluster.name,
    context: ctx.contexts.target,
    ...(ctx.hub ? { hub: { cluster: ctx.hub.name, context: ctx.contexts.argocd } } : {}),
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
