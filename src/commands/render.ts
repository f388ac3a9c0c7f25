import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadCluster } from '../adapters/inputs.ts';
import { listApplications, renderApps, type AppSource, type RenderedApp } from '../adapters/render.ts';
import { getComponent } from '../core/components/index.ts';
import { UserError } from '../core/errors.ts';
import { bool, type Command, str } from '../cli/types.ts';

function select(apps: AppSource[], component: string | undefined, cluster: string): AppSource[] {
  if (!component) return apps;
  if (component !== 'root' && component !== 'argocd') getComponent(component);
  const picked = apps.filter((a) => a.component === component);
  if (!picked.length)
    throw new UserError(
      `component '${component}' is not enabled in cluster '${cluster}'`,
      `enable it in clusters/${cluster}/cluster.yaml, or pick one of: ${apps.map((a) => a.component).join(', ')}`,
    );
  return picked;
}

function banner(r: RenderedApp): string {
  return `# Application ${r.app} (${r.path}) in cluster ${r.cluster}\n`;
}

/** Writes one file per Application under <out>/<cluster>/, through a temporary folder swapped in. */
async function writeOut(out: string, cluster: string, rendered: RenderedApp[]): Promise<string[]> {
  const target = join(out, cluster);
  await mkdir(out, { recursive: true });
  const tmp = await mkdtemp(join(out, `.render-${cluster}-`));
  const written: string[] = [];
  try {
    for (const r of rendered.filter((x) => !x.skipped)) {
      const file = join(tmp, `${r.app}.yaml`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, banner(r) + r.yaml);
      written.push(join(target, `${r.app}.yaml`));
    }
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return written;
}

export const command: Command = {
  name: 'render',
  summary: 'print (or write) the fully rendered manifests Argo CD will apply, using real kustomize',
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
    cluster: { type: 'string', value: '<name>', description: 'cluster under clusters/ (required)' },
    component: { type: 'string', value: '<c>', description: 'only this component (or root / argocd)' },
    'out-dir': {
      type: 'dir',
      value: '<dir>',
      description: 'write <dir>/<cluster>/<application>.yaml instead of printing',
    },
    remote: { type: 'boolean', description: 'also render remote sources (network needed)' },
  },
  async run({ values, io }) {
    const name = str(values, 'cluster');
    if (!name) throw new UserError('--cluster is required', 'e.g. npm run render -- --cluster kind-soma');
    const cluster = await loadCluster(io.root, name);
    const apps = select(await listApplications(io.root, cluster), str(values, 'component'), name).map((a) =>
      bool(values, 'remote') ? { ...a, remote: false } : a,
    );
    const rendered = await renderApps(io.root, apps, {
      onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
    });
    for (const r of rendered.filter((x) => x.skipped))
      io.stderr(`skipped ${r.app}: ${r.skipped} (use --remote to fetch it)\n`);
    const out = str(values, 'out-dir');
    if (out) {
      const written = await writeOut(resolve(io.cwd, out), name, rendered);
      io.stdout(`wrote ${written.length} files to ${join(out, name)}\n`);
      return 0;
    }
    io.stdout(
      rendered
        .filter((r) => !r.skipped)
        .map((r) => banner(r) + r.yaml)
        .join('---\n'),
    );
    return 0;
  },
};
