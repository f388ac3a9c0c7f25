// The whole generated tree as one pure value: repository-relative path → exact file
// content. `generate` writes it, `generate --check` and `validate` compare it with
// what is committed, tests compare it with golden files.
import {
  buildAppProject,
  buildApplication,
  buildArgoCdApplication,
  buildBootstrapProject,
  buildRootApplication,
} from './argocd.ts';
import { argocdInstallDir, buildArgoCdInstall } from './argocd-install.ts';
import { argocdHomeName, isStandalone } from './topology.ts';
import { servesLocally, type ClusterConfig } from './cluster-config.ts';
import { buildGitServerObjects, gitServerPath } from './git-server.ts';
import { type Files, buildClusterLayer, buildComponentFiles } from './component-tree.ts';
import { TIER_WAVE, type BuildContext, type ComponentSpec } from './components/spec.ts';
import { InternalError } from './errors.ts';
import type { KubeObject } from './kube.ts';
import { renderComponentsDoc } from './components-doc.ts';
import { buildKindConfig } from './kind-config.ts';
import { DIRS, type Environment, kindConfigPath, NAMESPACE, rootAppPath } from './names.ts';
import {
  buildFolderReadmes,
  COMPONENTS_DOC,
  GENERATED_FILES,
  GITATTRIBUTES_FILE,
  MANIFEST_FILE,
  renderGitattributes,
  renderManifest,
} from './tree-marks.ts';
import { renderGeneratedYaml } from './yaml.ts';

export { GENERATED_FILES, GENERATED_ROOTS, isGeneratedPath } from './tree-marks.ts';

function clusterSource(c: ClusterConfig): string {
  return `${c.source} and src/core/argocd.ts`;
}

/** Objects of the enabled components in the cluster (its layers applied), plus the ConfigMaps kustomize generates. */
function enabledObjects(
  cluster: ClusterConfig,
  ctx: BuildContext,
  byComponent: Map<string, Record<Environment, KubeObject[]>>,
  layers: ReadonlyMap<string, { path: string; objects: KubeObject[] }>,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const c of enabledComponents(cluster, ctx.components)) {
    out.push(...(layers.get(c.name)?.objects ?? byComponent.get(c.name)?.[cluster.environment] ?? []));
    for (const cm of c.configFiles?.(ctx) ?? []) {
      out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.name, namespace: NAMESPACE } });
    }
  }
  return out;
}

function byWave(a: ComponentSpec, b: ComponentSpec): number {
  return TIER_WAVE[a.tier] - TIER_WAVE[b.tier] || a.name.localeCompare(b.name);
}

/** The cluster's enabled components, in sync-wave order. */
export function enabledComponents(cluster: ClusterConfig, components: readonly ComponentSpec[]): ComponentSpec[] {
  return cluster.components
    .map((name) => {
      const c = components.find((x) => x.name === name);
      if (!c) throw new InternalError(`cluster ${cluster.name} enables '${name}', which has no component module`);
      return c;
    })
    .sort(byWave);
}

type ByComponent = Map<string, Record<Environment, KubeObject[]>>;

function buildClusterFiles(
  cluster: ClusterConfig,
  ctx: BuildContext,
  byComponent: ByComponent,
  files: Files,
  sharedRepos: readonly string[],
): void {
  const src = clusterSource(cluster);
  const dir = `${DIRS.apps}/${cluster.name}`;
  const enabled = enabledComponents(cluster, ctx.components);
  const layers = new Map<string, { path: string; objects: KubeObject[] }>();
  for (const c of enabled) {
    const layer = buildClusterLayer(c, cluster, byComponent.get(c.name)?.[cluster.environment] ?? [], files);
    if (layer) layers.set(c.name, layer);
  }
  const resources: string[] = [];
  // A hub that runs only Argo CD has no shared-infra project to allow anything in.
  if (enabled.length) {
    files.set(
      `${dir}/appproject.yaml`,
      renderGeneratedYaml(src, [
        buildAppProject(
          cluster,
          enabledObjects(cluster, ctx, byComponent, layers),
          enabled.flatMap((c) => (c.upstream ? [c.upstream] : [])),
        ),
      ]),
    );
    resources.push('appproject.yaml');
  }
  if (isStandalone(cluster)) {
    files.set(`${dir}/argocd.yaml`, renderGeneratedYaml(src, [buildArgoCdApplication(cluster)]));
    resources.push('argocd.yaml');
  }
  for (const c of enabled) {
    files.set(
      `${dir}/${c.name}.yaml`,
      renderGeneratedYaml(src, [buildApplication(cluster, c, layers.get(c.name)?.path)]),
    );
    resources.push(`${c.name}.yaml`);
  }
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  files.set(`${dir}/kustomization.yaml`, renderGeneratedYaml(src, [kustomization]));

  files.set(
    rootAppPath(cluster.name),
    renderGeneratedYaml(src, [buildBootstrapProject(cluster, sharedRepos), buildRootApplication(cluster)]),
  );
  if (servesLocally(cluster))
    files.set(
      gitServerPath(cluster.name),
      renderGeneratedYaml(`${cluster.source} and src/core/git-server.ts`, buildGitServerObjects()),
    );
  const kind = buildKindConfig(cluster);
  if (kind)
    files.set(
      kindConfigPath(cluster.name),
      renderGeneratedYaml(`${cluster.source} and src/core/kind-config.ts`, [kind]),
    );
}

function buildBootstrapFiles(files: Files): void {
  const src = 'src/core/argocd-install.ts';
  for (const profile of ['dev', 'ha'] as const) {
    const dir = argocdInstallDir(profile);
    const { kustomization, files: extra } = buildArgoCdInstall(profile);
    files.set(`${dir}/kustomization.yaml`, renderGeneratedYaml(src, [kustomization]));
    for (const f of extra) files.set(`${dir}/${f.path}`, renderGeneratedYaml(src, [f.value]));
  }
}

/**
 * Every generated file, sorted by path. Pure: the same clusters, components and source
 * files (`ctx`) always give the same bytes.
 */
export function planTree(clusters: readonly ClusterConfig[], ctx: BuildContext): Files {
  const files: Files = new Map();
  const byComponent = new Map<string, Record<Environment, KubeObject[]>>();
  for (const c of ctx.components) byComponent.set(c.name, buildComponentFiles(c, ctx, files));
  // Root apps that share an Argo CD (a hub and its spokes) share the soma-bootstrap project.
  const reposOf = (home: string) => clusters.filter((c) => argocdHomeName(c) === home).map((c) => c.repository.url);
  for (const cluster of clusters) buildClusterFiles(cluster, ctx, byComponent, files, reposOf(argocdHomeName(cluster)));
  buildBootstrapFiles(files);
  files.set(COMPONENTS_DOC, renderComponentsDoc(ctx));
  for (const [path, content] of buildFolderReadmes()) files.set(path, content);
  files.set(GITATTRIBUTES_FILE, renderGitattributes(GENERATED_FILES));
  files.set(MANIFEST_FILE, renderManifest(files.keys()));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
