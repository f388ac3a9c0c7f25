// The flags of `npm run drift` and the typed options they make: live mode
// (context/cluster) or offline mode (files), checked before anything is read or connected.
import { COMMON, texts } from '../../cli/options.ts';
import type { ParsedOptions } from '../../cli/types.ts';
import { UserError } from '../../core/errors.ts';

export const DRIFT_FLAGS = {
  context: COMMON.context(),
  'hub-context': COMMON.hubContext(),
  cluster: COMMON.cluster(),
  desired: texts('<file>', 'offline: desired objects (YAML/JSON)'),
  live: texts('<file>', 'offline: live objects (YAML/JSON, e.g. kubectl get -o yaml)'),
  json: COMMON.json('machine-readable report'),
};

export type DriftOptions =
  | { mode: 'live'; context?: string; hubContext?: string; cluster?: string; json: boolean }
  | { mode: 'offline'; desired: string[]; live: string[]; json: boolean };

/** The mode the flags ask for; mixing the two modes is an input error. */
export function driftOptions(flags: ParsedOptions<typeof DRIFT_FLAGS>): DriftOptions {
  const { desired, live, json, context, hubContext, cluster } = flags;
  if ((desired.length !== 0) !== (live.length !== 0)) {
    throw new UserError(
      '--desired and --live go together',
      'e.g. npm run drift -- --desired rendered.yaml --live live.yaml',
    );
  }
  if (!desired.length) return { mode: 'live', context, hubContext, cluster, json };
  if (context || hubContext || cluster)
    throw new UserError(
      '--context/--hub-context/--cluster do not apply to the offline --desired/--live mode',
      'drop them, or drop --desired/--live to compare with the cluster',
    );
  return { mode: 'offline', desired, live, json };
}
