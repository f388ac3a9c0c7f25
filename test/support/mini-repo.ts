// A tiny repository in a temp folder, shaped like the generated tree (clusters/<c>/, bootstrap/clusters/<c>/,
// apps/<c>/, overlays/dev/<component>/), so live commands can render a desired state with
// real kustomize without depending on the full generated tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPONENT_LIST } from '../../src/core/contracts.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { toYaml, toYamlStream } from '../../src/core/yaml.ts';
import { tempDir } from './temp.ts';

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** The Application writeMiniRepo generates for a component (or the root app). */
export function application(name: string, path: string, component: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': 'somastack' },
    },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/example/repo.git', path, targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc' },
    },
  };
}

function requiredBy(component: string): string[] {
  const spec = COMPONENT_LIST.find((c) => c.name === component);
  return (spec?.dependsOn ?? []).filter((d) => !d.optional).map((d) => d.component);
}

/** Writes cluster `test` (dev) with one Application per component, each deploying `objects[component]`. */
export function writeMiniRepo(
  objects: Record<string, KubeObject[]>,
  opts: { kindName?: string; cluster?: Record<string, unknown> } = {},
): string {
  const root = tempDir('somastack-mini-');
  const components = Object.keys(objects);
  write(
    root,
    'clusters/test/cluster.yaml',
    toYaml({
      name: 'test',
      environment: 'dev',
      destination: { server: 'https://kubernetes.default.svc' },
      repository: { url: 'https://github.com/example/repo.git', revision: 'main' },
      // cluster.yaml requires platform and what the components depend on; they get an Application only when objects are given for them.
      components: [...new Set(['platform', ...components, ...components.flatMap(requiredBy)])],
      ...(opts.kindName ? { kind: { name: opts.kindName } } : {}),
      ...opts.cluster,
    }),
  );
  write(root, 'bootstrap/clusters/test/root-app.yaml', toYaml(application('test-root', 'apps/test', 'root')));
  write(
    root,
    'apps/test/kustomization.yaml',
    toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: components.map((c) => `${c}.yaml`),
    }),
  );
  for (const c of components) {
    write(root, `apps/test/${c}.yaml`, toYaml(application(`test-${c}`, `overlays/dev/${c}`, c)));
    write(
      root,
      `overlays/dev/${c}/kustomization.yaml`,
      toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['objects.yaml'] }),
    );
    write(root, `overlays/dev/${c}/objects.yaml`, toYamlStream(objects[c]!));
  }
  return root;
}
