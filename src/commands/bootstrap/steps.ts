// Runs the bootstrap steps in order: each one printed with its duration, a failure
// stops the run (the next run resumes, since every step converges), and the report
// lists every step, including the ones that did not run.
import type { BootstrapContext, Step, StepReport } from './types.ts';

export interface StepsOutcome {
  reports: StepReport[];
  /** The error of the step that failed, if one did. */
  error?: unknown;
}

export async function runSteps(steps: readonly Step[], ctx: BootstrapContext): Promise<StepsOutcome> {
  const reports: StepReport[] = steps.map((s) => ({ name: s.name, title: s.title, status: 'not-run', durationMs: 0, changed: false, summary: '' }));
  const { progress, deps } = ctx;
  for (const [i, step] of steps.entries()) {
    const report = reports[i]!;
    progress.step(i + 1, steps.length, step.title);
    const start = deps.now();
    try {
      const result = await step.run(ctx);
      Object.assign(report, { status: 'ok', durationMs: deps.now() - start, changed: result.changed, summary: result.summary });
      progress.ok(result.summary, report.durationMs);
      for (const d of result.details ?? []) progress.detail(d);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      Object.assign(report, { status: 'failed', durationMs: deps.now() - start, summary: message });
      progress.failed(`${step.title} failed`, report.durationMs);
      return { reports, error };
    }
    try {
      await deps.afterStep?.(step.name);
    } catch (error) {
      return { reports, error };
    }
  }
  return { reports };
}
