// Renders what Argo CD will apply: the Applications of a cluster are read from the
// generated files (the root app from bootstrap/clusters/<c>/root-app.yaml, its children from
// apps/<c>/), and each source path is built with real kustomize, in parallel.
import { availableParallelism } from 'node:os';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { AppSource, RenderedApp } from '../core/apps.ts';
import type { ClusterConfig } from '../core/cluster-config.ts';
import { InvalidYamlError, UserError } from '../core/errors.ts';
import { isKubeObject, type KubeObject } from '../core/kube.ts';
import { DIRS, FILES, LABELS, legacyRootAppPath, rootAppPath } from '../core/names.ts';
import { mapLimit } from '../core/pool.ts';
import { yamlValues } from '../core/yaml.ts';
import { kustomizeBuild, type KustomizeTool } from './kustomize.ts';
import type { Runner } from './process.ts';

export type { AppSource, RenderedApp } from '../core/apps.ts';

async function readApplications(root: string, file: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    throw new UserError(`${file} is missing`, 'run `npm run generate`');
  }
  let values: unknown[];
  try {
    values = yamlValues(text);
  } catch (e) {
    throw new InvalidYamlError(
      `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      'run `npm run generate`',
    );
  }
  return values.filter((v): v is KubeObject => isKubeObject(v) && v.kind === 'Application');
}

/** Local kustomize directories a kustomization includes (`resources` entries that are not files or URLs). */
export function localBases(kustomization: string): string[] {
  const value = yamlValues(kustomization)[0] as { resources?: unknown } | undefined;
  const resources = Array.isArray(value?.resources) ? value.resources : [];
  return resources.filter(
    (r): r is string =>
      typeof r === 'string' && !/^(https?:\/\/|git@|github\.com\/)/.test(r) && !/\.(ya?ml|json)$/.test(r),
  );
}

/** The kustomization pulls a URL, itself or through a local base it includes (an operator's overlay). */
async function isRemote(root: string, path: string, depth = 0): Promise<boolean> {
  const text = await readFile(join(root, path, FILES.kustomization), 'utf8').catch(() => '');
  if (/^\s*-\s*(https?:\/\/|git@|github\.com\/)/m.test(text)) return true;
  if (depth >= 4) return false;
  for (const base of localBases(text)) if (await isRemote(root, posix.join(path, base), depth + 1)) return true;
  return false;
}

/** Whether each source path pulls a remote resource, per checkout: clusters of one environment share their paths. */
export type RemoteMemo = Map<string, Promise<boolean>>;

async function toSource(
  root: string,
  cluster: ClusterConfig,
  file: string,
  app: KubeObject,
  remote: RemoteMemo,
): Promise<AppSource> {
  const spec = app.spec as { source?: { path?: string } } | undefined;
  const path = spec?.source?.path;
  if (!path)
    throw new UserError(
      `Application ${app.metadata.name} in ${file} has no spec.source.path`,
      'run `npm run generate`',
    );
  return {
    cluster: cluster.name,
    app: app.metadata.name,
    component: app.metadata.labels?.[LABELS.component] ?? app.metadata.name,
    path,
    file,
    remote: await (remote.get(path) ?? remote.set(path, isRemote(root, path)).get(path)!),
  };
}

/** The root Application and every Application it creates, in file order. */
export async function listApplications(
  root: string,
  cluster: ClusterConfig,
  remote: RemoteMemo = new Map(),
): Promise<AppSource[]> {
  // A revision from before the generated per-cluster files moved keeps the root app in clusters/<c>/.
  const present = (p: string) =>
    readFile(join(root, p)).then(
      () => true,
      () => false,
    );
  const current = rootAppPath(cluster.name);
  const rootFile =
    !(await present(current)) && (await present(legacyRootAppPath(cluster.name)))
      ? legacyRootAppPath(cluster.name)
      : current;
  const out: AppSource[] = [];
  for (const app of await readApplications(root, rootFile))
    out.push(await toSource(root, cluster, rootFile, app, remote));
  const dir = `${DIRS.apps}/${cluster.name}`;
  const names = (await readdir(join(root, dir)).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.yaml') && n !== FILES.kustomization)
    .sort();
  for (const name of names) {
    for (const app of await readApplications(root, `${dir}/${name}`))
      out.push(await toSource(root, cluster, `${dir}/${name}`, app, remote));
  }
  return out;
}

export function parseRendered(yaml: string, where: string): KubeObject[] {
  let values: unknown[];
  try {
    values = yamlValues(yaml);
  } catch (e) {
    throw new InvalidYamlError(
      `kustomize output for ${where} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
      'fix the YAML of the resources that folder lists',
    );
  }
  return values.filter(isKubeObject);
}

export interface RenderOptions {
  runner?: Runner;
  /** The kustomize to run, when the caller has found it already (no second probe). */
  tool?: KustomizeTool;
  concurrency?: number;
  onProgress?: (done: number, total: number, app: AppSource) => void;
  /** Render remote sources too (kustomize fetches the pinned upstream installs; needs the network). */
  fetchRemote?: boolean;
}

export function defaultConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/** Renders every app; remote sources come back skipped (with the reason) rather than silently passed. */
export async function renderApps(
  root: string,
  apps: readonly AppSource[],
  opts: RenderOptions = {},
): Promise<RenderedApp[]> {
  let done = 0;
  return mapLimit(apps, opts.concurrency ?? defaultConcurrency(), async (app) => {
    let result: RenderedApp;
    if (app.remote && !opts.fetchRemote) {
      result = {
        ...app,
        objects: [],
        yaml: '',
        skipped: `${app.path} pulls a remote resource (a pinned upstream install); not rendered offline`,
      };
    } else {
      const yaml = await kustomizeBuild(join(root, app.path), opts.runner, opts.tool);
      result = { ...app, objects: parseRendered(yaml, app.path), yaml };
    }
    opts.onProgress?.(++done, apps.length, app);
    return result;
  });
}
