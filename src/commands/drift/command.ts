// `npm run drift`: what git says should run against what runs, field by field. Live mode
// asks the API server (server-side apply dry-run under our own field manager) what each
// object would be if git were applied now; offline mode compares two files. Detect-only.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { DIRS, DRIFT_FIELD_MANAGER } from '../../core/names.ts';
import { defineCommand } from '../../cli/types.ts';
import { DRIFT_FLAGS, driftOptions } from './options.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'drift',
  summary: SUMMARIES.drift,
  usage:
    '[--cluster <name>] [--context <name>] [--hub-context <name>] [--json] | --desired <file> --live <file> [--json]',
  description: `
Renders what git says the cluster should run (the same renderer as \`render\`), reads the
live objects, and reports per Application and object: fields that differ, objects
missing in the cluster, and objects in the managed namespaces that git does not know
(orphans; controller-made objects, the secrets bootstrap provides, what bootstrap applies
from ${DIRS.argocdInstall}'s own files (the argocd Namespace) and what Argo CD tracks for an
Application that is not compared (its remote install) are not orphans).

No false drift: for every object the API server is asked, with a server-side apply
dry-run under the field manager '${DRIFT_FIELD_MANAGER}', what the object would be if git
were applied now; only the fields git sets are compared, with the server's own
defaults. Nothing is ever written. Secret values are never shown, only which keys differ.

Offline, --desired and --live compare objects from two files (e.g. \`npm run render\`
output and \`kubectl get -o yaml\` output) with a normalisation that ignores what the
server fills in. Same output and exit codes.

Exit codes: 0 no drift, 1 drift, 2 could not check.

Examples:
  npm run drift
  npm run drift -- --cluster kind-soma --json
  npm run drift -- --desired rendered.yaml --live live.yaml`,
  options: DRIFT_FLAGS,
  async run(flags, deps) {
    const { runDrift } = await import('./run.ts');
    return runDrift(driftOptions(flags), deps);
  },
});
