// `npm run health -- <file…>`: the health Argo CD's rules give every object in the given
// YAML/JSON files (e.g. `kubectl get deploy,sts -o yaml` output), offline.
// This module is the flag table and help; the work is in run.ts, loaded only to run.
import { COMMON } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'health',
  summary: SUMMARIES.health,
  usage: '<file…> [--json]',
  description: `
Reads Kubernetes objects from YAML or JSON files (several documents per file and
\`kind: List\` as printed by \`kubectl get -o yaml\` are fine) and prints each one's health
with the rules \`status --direct\` uses — Argo CD's built-in checks: Healthy, Progressing,
Degraded, Suspended, Missing or Unknown, and why. A kind Argo CD has no check for is
Unknown ("no health check for <kind>"); like Argo CD, the exit code leaves it out.

Exit codes: 0 every object with a check Healthy, 1 some object is not, 2 a file could not be read.

Examples:
  kubectl get deploy,sts,pvc -n soma-infra -o yaml > live.yaml && npm run health -- live.yaml
  npm run health -- --json live.yaml`,
  options: {
    json: COMMON.json('machine-readable output'),
  },
  positionals: true,
  async run({ positionals, json }, deps) {
    const { runHealth } = await import('./run.ts');
    return runHealth({ files: positionals, json }, deps);
  },
});
