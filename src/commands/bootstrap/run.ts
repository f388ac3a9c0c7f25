// `npm run bootstrap`, top to bottom: a dry run prints the plan; otherwise the steps run
// and the result is printed (JSON or for a person). Exit 0 healthy, 1 not healthy, 2 failed.
import type { Deps } from '../../cli/deps.ts';
import { bootstrapCluster, planDryRun, renderResult } from './index.ts';
import { renderDryRunPlan } from './plan.ts';
import type { BootstrapOptions } from './types.ts';

export async function runBootstrap(options: BootstrapOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  if (options.dryRun) {
    const { code, plan } = await planDryRun(options, deps);
    io.stdout(options.json ? `${JSON.stringify({ dryRun: true, ...plan }, null, 2)}\n` : renderDryRunPlan(plan));
    if (code && !options.json) io.stderr(`error: preflight found ${plan.problems.length} problem(s), listed above; bootstrap would stop there\n`);
    return code;
  }
  const { code, result } = await bootstrapCluster(options, deps);
  const text = renderResult(result);
  io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : text.stdout);
  io.stderr(text.stderr);
  return code;
}
