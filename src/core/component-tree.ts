// base/<c>/ and overlays/<env>/<c>/ for one component: one file per object named
// `<kind>-<name>.yaml`, a kustomization listing them, and per environment the patches
// planOverlay derives from the difference to the base environment.
import type {
  BuildContext,
  ClusterFacts,
  ComponentSpec,
  ConfigMapFiles,
  UpstreamInstall,
  UpstreamWorkload,
} from './components/spec.ts';
import { componentLabels } from './components/workload.ts';
import { InternalError } from './errors.ts';
import type { KubeObject } from './kube.ts';
import { ANNOTATIONS, DIRS, ENVIRONMENTS, type Environment, LABELS, NAMESPACE } from './names.ts';
import { planOverlay } from './overlay.ts';
import { generatedHeader, renderGeneratedYaml, toYaml } from './yaml.ts';

export type Files = Map<string, string>;

const KUSTOMIZE_API = 'kustomize.config.k8s.io/v1beta1';

/** The file an object is written to: `<kind>-<name>.yaml` (the provenance convention). */
export function objectFileName(o: { kind: string; metadata: { name: string } }): string {
  return `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}

export function baseEnvironment(c: ComponentSpec): Environment {
  return c.baseEnvironment ?? 'dev';
}

function sourceOf(c: ComponentSpec): string {
  return `src/core/components/${c.name}.ts`;
}

function add(files: Files, path: string, content: string): void {
  if (files.has(path)) throw new InternalError(`two generated files share the path ${path}`);
  files.set(path, content);
}

/** Comment-capable config files get the generated header too; JSON cannot carry one. */
function headed(name: string, content: string, source: string): string {
  return /\.(ya?ml|rego|conf|hcl|properties)$/.test(name) ? generatedHeader(source) + content : content;
}

function configMapGenerator(c: ComponentSpec, cm: ConfigMapFiles) {
  return {
    name: cm.name,
    namespace: NAMESPACE,
    files: Object.keys(cm.files)
      .sort()
      .map((f) => `${cm.name}/${f}`),
    options: { disableNameSuffixHash: true, labels: componentLabels(c.name, cm.name) },
  };
}

export function buildBaseFiles(c: ComponentSpec, ctx: BuildContext, files: Files): KubeObject[] {
  const dir = `${DIRS.base}/${c.name}`;
  const objects = c.build(baseEnvironment(c), ctx);
  const src = sourceOf(c);
  for (const o of objects) add(files, `${dir}/${objectFileName(o)}`, renderGeneratedYaml(src, [o]));
  const configMaps = c.configFiles?.(ctx) ?? [];
  for (const cm of configMaps) {
    for (const [name, content] of Object.entries({ ...cm.files, ...cm.extraFiles }))
      add(files, `${dir}/${cm.name}/${name}`, headed(name, content, src));
  }
  const kustomization: Record<string, unknown> = {
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    resources: objects.map(objectFileName),
  };
  if (configMaps.length) kustomization.configMapGenerator = configMaps.map((cm) => configMapGenerator(c, cm));
  add(files, `${dir}/kustomization.yaml`, renderGeneratedYaml(src, [kustomization]));
  return objects;
}

export function buildOverlayFiles(
  c: ComponentSpec,
  env: Environment,
  ctx: BuildContext,
  baseObjects: readonly KubeObject[],
  files: Files,
): KubeObject[] {
  const dir = `${DIRS.overlays}/${env}/${c.name}`;
  const src = sourceOf(c);
  const objects = c.build(env, ctx);
  writeOverlay(files, dir, src, `../../../${DIRS.base}/${c.name}`, planOverlay(baseObjects, objects), env);
  return objects;
}

/**
 * One kustomize layer over `below`: a strategic-merge patch per changed or deleted object,
 * whole files for added ones, and the environment label on everything.
 */
function writeOverlay(
  files: Files,
  dir: string,
  src: string,
  below: string,
  plan: ReturnType<typeof planOverlay>,
  env: Environment,
): void {
  const patchPaths: string[] = [];
  for (const p of [...plan.patches, ...plan.deleted]) {
    const path = `patches/${objectFileName(p as unknown as KubeObject)}`;
    add(files, `${dir}/${path}`, renderGeneratedYaml(src, [p]));
    patchPaths.push(path);
  }
  for (const o of plan.added) add(files, `${dir}/${objectFileName(o)}`, renderGeneratedYaml(src, [o]));
  const kustomization: Record<string, unknown> = {
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    resources: [below, ...plan.added.map(objectFileName)],
  };
  if (patchPaths.length) kustomization.patches = patchPaths.map((path) => ({ path }));
  kustomization.labels = [{ pairs: { [LABELS.environment]: env }, includeSelectors: false, includeTemplates: true }];
  add(files, `${dir}/kustomization.yaml`, renderGeneratedYaml(src, [kustomization]));
}

/** Where a cluster's layer over an environment overlay lives. */
export const clusterLayerPath = (cluster: string, component: string) =>
  `${DIRS.overlays}/clusters/${cluster}/${component}`;

/**
 * A cluster's layer for one component: the patches and objects that turn the environment's
 * objects into the cluster's (`ComponentSpec.forCluster`). Returns the cluster's objects and
 * the layer's path, or undefined when the cluster runs the environment overlay unchanged.
 */
export function buildClusterLayer(
  c: ComponentSpec,
  cluster: ClusterFacts,
  envObjects: readonly KubeObject[],
  files: Files,
): { path: string; objects: KubeObject[] } | undefined {
  if (!c.forCluster) return undefined;
  const objects = c.forCluster(cluster, envObjects);
  const plan = planOverlay(envObjects, objects);
  if (!plan.patches.length && !plan.added.length && !plan.deleted.length) return undefined;
  const dir = clusterLayerPath(cluster.name, c.name);
  const src = `${sourceOf(c)} and clusters/${cluster.name}/cluster.yaml`;
  writeOverlay(files, dir, src, `../../../${cluster.environment}/${c.name}`, plan, cluster.environment);
  return { path: dir, objects };
}

/** The local patch that sizes one workload of an upstream install. */
export function upstreamWorkloadPatch(w: UpstreamWorkload, namespace: string): KubeObject {
  const resources = { requests: { ...w.sizing.requests }, limits: { ...w.sizing.limits } };
  // A strategic merge: the release's other variables stay (env merges by name);
  // valueFrom: null drops the release's own source of a variable it sets (both is invalid).
  const env = w.env ? { env: Object.entries(w.env).map(([name, value]) => ({ name, value, valueFrom: null })) } : {};
  return {
    apiVersion: 'apps/v1',
    kind: w.kind,
    // The release puts its workloads in their namespace: a patch without it matches nothing.
    metadata: { name: w.name, namespace },
    spec: { template: { spec: { containers: [{ name: w.container, ...env, resources }] } } },
  };
}

/** Where the release of an operator that names no namespace is pulled and placed in one (see placeReleaseInNamespace). */
export const RELEASE_DIR = 'release';

/**
 * The release pulled into `namespace` (base/<c>/release/): kustomize's namespace transformer,
 * told to move the ServiceAccount subjects of the release's bindings too (by default it moves
 * only those named `default`, and the operator would be bound in a namespace it is not in).
 * A layer of its own, so the objects the base adds in other namespaces are not moved.
 */
function placeReleaseInNamespace(u: UpstreamInstall): Record<string, unknown> {
  const transformer = {
    apiVersion: 'builtin',
    kind: 'NamespaceTransformer',
    metadata: { name: 'release-namespace', namespace: u.namespace },
    setRoleBindingSubjects: 'allServiceAccounts',
    fieldSpecs: [{ path: 'metadata/namespace', create: true }],
  };
  return { apiVersion: KUSTOMIZE_API, kind: 'Kustomization', resources: [u.url], transformers: [toYaml(transformer)] };
}

/**
 * Every CRD of an operator's release survives its Application: deleting or renaming the
 * Application (foreground cascade, prune) would otherwise delete the CRDs, and with them
 * every custom resource — a Postgres Cluster and, through its owner references, its volumes.
 */
const KEEP_CRDS = {
  target: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  patch: [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: any-crd-of-the-release',
    '  annotations:',
    `    ${ANNOTATIONS.syncOptions}: Delete=false,Prune=false`,
    '',
  ].join('\n'),
};

const jsonPatch = (ops: readonly Record<string, unknown>[]) =>
  ops
    .map((op) =>
      Object.entries(op)
        .map(([k, v], i) => `${i ? '  ' : '- '}${k}: ${JSON.stringify(v)}`)
        .join('\n'),
    )
    .join('\n') + '\n';

/**
 * Inline JSON patches: the arguments appended to a workload's container (guarded by a test
 * of the container's name, so a release that reorders its containers fails the build instead
 * of patching the wrong one), and the release objects moved into the install's namespace.
 */
export function upstreamInlinePatches(u: UpstreamInstall): { target: Record<string, string>; patch: string }[] {
  const args = u.workloads
    .filter((w) => w.extraArgs?.length)
    .map((w) => ({
      target: { group: 'apps', kind: w.kind, name: w.name, namespace: u.namespace },
      patch: jsonPatch([
        { op: 'test', path: '/spec/template/spec/containers/0/name', value: w.container },
        ...w.extraArgs!.map((a) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: a })),
      ]),
    }));
  const moves = (u.relocate?.objects ?? []).map((o) => ({
    target: { group: o.group, kind: o.kind, name: o.name, namespace: u.relocate!.from },
    patch: jsonPatch([{ op: 'replace', path: '/metadata/namespace', value: u.namespace }]),
  }));
  return [...args, ...moves];
}

/**
 * An operator from its pinned release: base/<c>/ lists the release URL, the sizing patches,
 * the inline patches (extra arguments, relocated objects) and the CRD protection; each overlay adds the environment label. The same in every environment.
 */
function buildUpstreamFiles(c: ComponentSpec, u: UpstreamInstall, files: Files): Record<Environment, KubeObject[]> {
  const src = sourceOf(c);
  const dir = `${DIRS.base}/${c.name}`;
  const patches = u.workloads.map((w) => upstreamWorkloadPatch(w, u.namespace));
  for (const p of patches) add(files, `${dir}/patches/${objectFileName(p)}`, renderGeneratedYaml(src, [p]));
  const objects = u.objects ?? [];
  for (const o of objects) add(files, `${dir}/${objectFileName(o)}`, renderGeneratedYaml(src, [o]));
  if (u.placeInNamespace)
    add(files, `${dir}/${RELEASE_DIR}/kustomization.yaml`, renderGeneratedYaml(src, [placeReleaseInNamespace(u)]));
  const { [LABELS.name]: _name, ...labels } = componentLabels(c.name);
  const base = {
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    resources: [u.placeInNamespace ? RELEASE_DIR : u.url, ...objects.map(objectFileName)],
    patches: [
      ...patches.map((p) => ({ path: `patches/${objectFileName(p)}` })),
      ...upstreamInlinePatches(u),
      KEEP_CRDS,
    ],
    labels: [{ pairs: labels, includeSelectors: false, includeTemplates: false }],
  };
  add(files, `${dir}/kustomization.yaml`, renderGeneratedYaml(src, [base]));
  const out = {} as Record<Environment, KubeObject[]>;
  for (const env of ENVIRONMENTS) {
    const overlay = {
      apiVersion: KUSTOMIZE_API,
      kind: 'Kustomization',
      resources: [`../../../${DIRS.base}/${c.name}`],
      labels: [{ pairs: { [LABELS.environment]: env }, includeSelectors: false, includeTemplates: false }],
    };
    add(files, `${DIRS.overlays}/${env}/${c.name}/kustomization.yaml`, renderGeneratedYaml(src, [overlay]));
    out[env] = [];
  }
  return out;
}

/** Writes base + every overlay of a component; returns the objects per environment. */
export function buildComponentFiles(
  c: ComponentSpec,
  ctx: BuildContext,
  files: Files,
): Record<Environment, KubeObject[]> {
  if (c.upstream) return buildUpstreamFiles(c, c.upstream, files);
  const base = buildBaseFiles(c, ctx, files);
  const out = {} as Record<Environment, KubeObject[]>;
  for (const env of ENVIRONMENTS) out[env] = buildOverlayFiles(c, env, ctx, base, files);
  return out;
}
