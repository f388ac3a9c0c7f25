// `npm run render`, top to bottom: load the cluster, pick its Applications, build each with
// real kustomize, then print the manifests or write one file per Application.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { loadCluster } from '../../adapters/inputs.ts';
import type { AppSource, RenderedApp } from '../../adapters/render.ts';
import type { Deps } from '../../cli/deps.ts';
import { getComponent } from '../../core/components/index.ts';
import { UserError } from '../../core/errors.ts';

export interface RenderOptions {
  cluster: string;
  component?: string;
  /** Absolute folder to write into (checked writable before any work), or undefined to print. */
  outDir?: string;
  remote: boolean;
}

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

/** Returns 0; a kustomize failure is an input error naming the overlay and how to see it. */
export async function runRender(options: RenderOptions, { io, repo, runner }: Deps): Promise<number> {
  const name = options.cluster;
  const cluster = await loadCluster(io.root, name);
  const apps = select(await repo.listApplications(io.root, cluster), options.component, name).map((a) =>
    options.remote ? { ...a, remote: false } : a,
  );
  const rendered = await repo.renderApps(io.root, apps, {
    runner,
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  for (const r of rendered.filter((x) => x.skipped))
    io.stderr(`skipped ${r.app}: ${r.skipped} (use --remote to fetch it)\n`);
  if (options.outDir) {
    const written = await writeOut(options.outDir, name, rendered);
    io.stdout(`wrote ${written.length} files to ${relative(io.cwd, join(options.outDir, name)) || '.'}\n`);
    return 0;
  }
  io.stdout(
    rendered
      .filter((r) => !r.skipped)
      .map((r) => banner(r) + r.yaml)
      .join('---\n'),
  );
  return 0;
}
