// `npm run drift`: what git says should run against what runs, field by field. Live mode
// asks the API server (server-side apply dry-run under our own field manager) what each
// object would be if git were applied now; offline mode compares two files. Detect-only.
import { CONTEXT_OPTION } from '../../cli/options.ts';
import { connectLive, pickCluster } from '../../adapters/kube-live.ts';
import { type DriftReport, offlineDrift, renderDriftText } from '../../core/drift/index.ts';
import { ConfigError, type Problem, UserError } from '../../core/errors.ts';
import { DIRS, DRIFT_FIELD_MANAGER } from '../../core/names.ts';
import { bool, type Command, list, str } from '../../cli/types.ts';
import { readObjects } from './files.ts';
import { liveDrift } from './live.ts';

export const command: Command = {
  name: 'drift',
  summary: 'what runs vs what git says should run, field by field (detect-only)',
  usage: '[--context <name>] [--cluster <name>] [--json] | --desired <file> --live <file> [--json]',
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
  options: {
    context: CONTEXT_OPTION,
    cluster: {
      type: 'string',
      value: '<name>',
      description: 'cluster under clusters/ (default: the one matching the context)',
    },
    desired: { type: 'string', value: '<file>', multiple: true, description: 'offline: desired objects (YAML/JSON)' },
    live: {
      type: 'string',
      value: '<file>',
      multiple: true,
      description: 'offline: live objects (YAML/JSON, e.g. kubectl get -o yaml)',
    },
    json: { type: 'boolean', description: 'machine-readable report' },
  },
  async run({ values, io }) {
    const desiredFiles = list(values, 'desired');
    const liveFiles = list(values, 'live');
    if ((desiredFiles.length !== 0) !== (liveFiles.length !== 0))
      throw new UserError(
        '--desired and --live go together',
        'e.g. npm run drift -- --desired rendered.yaml --live live.yaml',
      );
    let report: DriftReport;
    if (desiredFiles.length) {
      if (str(values, 'context') || str(values, 'cluster'))
        throw new UserError('--context/--cluster do not apply to the offline --desired/--live mode');
      const problems: Problem[] = [];
      const desired = await readObjects(io, desiredFiles, problems);
      const live = await readObjects(io, liveFiles, problems);
      if (problems.length)
        throw new ConfigError(
          `cannot read the input (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
          problems,
        );
      report = offlineDrift(desired, live);
    } else {
      const live = connectLive(io.env, str(values, 'context'));
      const cluster = await pickCluster(io.root, str(values, 'cluster'), live.context);
      io.stderr(`comparing cluster '${cluster.name}' with context '${live.context}'\n`);
      report = await liveDrift(io, live, cluster);
    }
    io.stdout(bool(values, 'json') ? `${JSON.stringify(report, null, 2)}\n` : renderDriftText(report));
    return report.drifts.length ? 1 : 0;
  },
};
