// Reading what drift compares from files: the offline --desired/--live inputs, the root
// Application bootstrap applies itself, and the local files of a skipped remote Application.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LiveCluster } from '../../adapters/kube-live.ts';
import type { RenderedApp } from '../../adapters/render.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { type DesiredApp, parseObjects } from '../../core/drift/index.ts';
import { ConfigError, type Problem } from '../../core/errors.ts';
import type { KubeObject } from '../../core/kube.ts';
import { FILES, rootAppPath } from '../../core/names.ts';
import { parseYamlStream } from '../../core/yaml.ts';

/** Kubernetes objects from YAML/JSON files (relative to `dir`); unreadable files become problems. */
export async function readObjects(dir: string, files: readonly string[], problems: Problem[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const file of files) {
    const text = await readFile(resolve(dir, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
      problems.push({ file, path: '', message: e.code === 'ENOENT' ? 'no such file' : e.message });
      return undefined;
    });
    if (text !== undefined) out.push(...parseObjects(file, text, problems));
  }
  return out;
}

/** A YAML file's documents as plain values (a kustomization is not a Kubernetes object). */
async function readYamlDocs(root: string, file: string, problems: Problem[]): Promise<unknown[]> {
  const text = await readFile(resolve(root, file), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const docs = parseYamlStream(text);
  for (const d of docs)
    if (d.errors.length)
      problems.push({ file, path: `document ${d.index + 1} (line ${d.line})`, message: d.errors[0]! });
  return docs.map((d) => d.value);
}

/**
 * bootstrap/clusters/<c>/root-app.yaml: the root Application and its project are applied by
 * `npm run bootstrap`, not by an Application, so no render includes them. They are
 * compared too (reported under the file's name), and are not orphans.
 */
export async function readBootstrapApplied(root: string, cluster: ClusterConfig): Promise<DesiredApp> {
  const file = rootAppPath(cluster.name);
  const problems: Problem[] = [];
  const objects = await readObjects(root, [file], problems);
  if (problems.length) throw new ConfigError(`cannot read ${file}:`, problems);
  return { app: file, component: 'root', objects };
}

/**
 * Objects a skipped (remote) Application's kustomization lists from local files, e.g. the
 * argocd Namespace in bootstrap/argocd: bootstrap applies them itself, no render shows
 * them, so they are provided, not orphans. Keys are `Kind/namespace/name`.
 */
export async function readLocallyProvided(
  root: string,
  live: LiveCluster,
  skipped: readonly RenderedApp[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const app of skipped) {
    const problems: Problem[] = [];
    const [kustomization] = await readYamlDocs(root, join(app.path, FILES.kustomization), problems);
    const k = (kustomization ?? {}) as { namespace?: unknown; resources?: unknown };
    const files = (Array.isArray(k.resources) ? k.resources : []).filter(
      (r): r is string => typeof r === 'string' && /\.ya?ml$/.test(r) && !/^[a-z]+:\/\//.test(r),
    );
    for (const file of files) {
      for (const o of await readObjects(root, [join(app.path, file)], problems)) {
        const namespaced =
          o.kind !== 'Namespace' && (await live.client.isNamespaced(o.apiVersion, o.kind).catch(() => true));
        const ns = namespaced ? (o.metadata.namespace ?? (typeof k.namespace === 'string' ? k.namespace : '')) : '';
        out.add(`${o.kind}/${ns}/${o.metadata.name}`);
      }
    }
    if (problems.length)
      throw new ConfigError(`cannot read the local files of ${app.path} (Application ${app.app}):`, problems);
  }
  return out;
}
