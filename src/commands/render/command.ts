// `npm run render`: the flag table and help; the work is in run.ts, loaded only to run.
import { flag, outputPath, text } from '../../cli/options.ts';
import { defineCommand } from '../../cli/types.ts';
import { SUMMARIES } from '../../cli/summaries.ts';

export const command = defineCommand({
  name: 'render',
  summary: SUMMARIES.render,
  usage: '--cluster <name> [--component <c>] [--out-dir <dir>] [--remote]',
  description: `
Reads the cluster's generated Applications (root app and children) and builds each
source path with real kustomize (\`kustomize build\` when on PATH, else \`kubectl kustomize\`).
Sources that pull a remote resource (Argo CD's own install) are skipped with a note
unless --remote is given (which needs network access).

Examples:
  npm run render -- --cluster kind-soma
  npm run render -- --cluster prod --component kafka
  npm run render -- --cluster staging --out-dir out/rendered`,
  options: {
    cluster: text('<name>', 'cluster under clusters/', {
      required: { fix: 'e.g. npm run render -- --cluster kind-soma' },
    }),
    component: text('<c>', 'only this component (or root / argocd)'),
    'out-dir': outputPath('<dir>', 'write <dir>/<cluster>/<application>.yaml instead of printing', { directory: true }),
    remote: flag('also render remote sources (network needed)'),
  },
  async run(options, deps) {
    const { runRender } = await import('./run.ts');
    return runRender(options, deps);
  },
});
