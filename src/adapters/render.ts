// Renders what Argo CD will apply: the Applications of a cluster are read from the
// generated files (the root app from bootstrap/clusters/<c>/root-app.yaml, its children from
// apps/<c>/), and each source path is built with real kustomize, in parallel.
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
import { defaultConcurrency, remoteSkipReason } from './render-common.ts';

export type { AppSource, RenderedApp } from '../core/apps.ts';

/** Where Applications are read from: a folder on disk, or a revision's files (tree-revision.ts). */
export interface AppFiles {
  /** A file's text, or undefined when there is none. */
  read(path: string): Promise<string | undefined>;
  /** The names of the files directly in a folder. */
  list(dir: string): Promise<string[]>;
}

export function diskFiles(root: string): AppFiles {
  return {
    read: (p) => readFile(join(root, p), 'utf8').catch(() => undefined),
    list: (dir) => readdir(join(root, dir)).catch(() => [] as string[]),
  };
}

function parseApplications(file: string, text: string | undefined): KubeObject[] {
  if (text === undefined) throw new UserError(`${file} is missing`, 'run `npm run generate`');
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
async function isRemote(files: AppFiles, path: string, depth = 0): Promise<boolean> {
  const text = (await files.read(posix.join(path, FILES.kustomization))) ?? '';
  if (/^\s*-\s*(https?:\/\/|git@|github\.com\/)/m.test(text)) return true;
  if (depth >= 4) return false;
  for (const base of localBases(text)) if (await isRemote(files, posix.join(path, base), depth + 1)) return true;
  return false;
}

/** Whether each source path pulls a remote resource, per checkout: clusters of one environment share their paths. */
export type RemoteMemo = Map<string, Promise<boolean>>;

/** Whether a source path pulls a remote resource, asked once per path and revision. */
export function remoteAt(files: AppFiles, path: string, remote: RemoteMemo): Promise<boolean> {
  return remote.get(path) ?? remote.set(path, isRemote(files, path)).get(path)!;
}

function toSource(cluster: Pick<ClusterConfig, 'name'>, file: string, app: KubeObject): Omit<AppSource, 'remote'> {
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
  };
}

/** The files a cluster's Applications are read from, as listed in `names` (the apps folder's file names). */
export function applicationFiles(
  cluster: string,
  names: readonly string[],
  hasCurrentRoot: boolean,
  hasLegacyRoot: boolean,
): string[] {
  // A revision from before the generated per-cluster files moved keeps the root app in clusters/<c>/.
  const rootFile = !hasCurrentRoot && hasLegacyRoot ? legacyRootAppPath(cluster) : rootAppPath(cluster);
  const dir = `${DIRS.apps}/${cluster}`;
  const children = names
    .filter((n) => n.endsWith('.yaml') && n !== FILES.kustomization)
    .sort()
    .map((n) => `${dir}/${n}`);
  return [rootFile, ...children];
}

/** The root Application and every Application it creates, in file order, read from `files`. */
export async function readApplicationsFrom(
  files: AppFiles,
  cluster: Pick<ClusterConfig, 'name'>,
  remote: RemoteMemo = new Map(),
): Promise<AppSource[]> {
  const [current, legacy, names] = await Promise.all([
    files.read(rootAppPath(cluster.name)),
    files.read(legacyRootAppPath(cluster.name)),
    files.list(`${DIRS.apps}/${cluster.name}`),
  ]);
  const paths = applicationFiles(cluster.name, names, current !== undefined, legacy !== undefined);
  // Read side by side: a revision's files come from git in one process per batch.
  const texts = await Promise.all(paths.map((p) => files.read(p)));
  const sources = paths.flatMap((p, i) => parseApplications(p, texts[i]).map((app) => toSource(cluster, p, app)));
  return Promise.all(sources.map(async (s) => ({ ...s, remote: await remoteAt(files, s.path, remote) })));
}

/** The root Application and every Application it creates, in file order. */
export function listApplications(
  root: string,
  cluster: ClusterConfig,
  remote: RemoteMemo = new Map(),
): Promise<AppSource[]> {
  return readApplicationsFrom(diskFiles(root), cluster, remote);
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

export { defaultConcurrency } from './render-common.ts';

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
        skipped: remoteSkipReason(app),
      };
    } else {
      const yaml = await kustomizeBuild(join(root, app.path), opts.runner, opts.tool);
      result = { ...app, objects: parseRendered(yaml, app.path), yaml };
    }
    opts.onProgress?.(++done, apps.length, app);
    return result;
  });
}
