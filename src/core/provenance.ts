// Which generated files a rendered object came from, by the naming convention of the
// generator (`<kind>-<name>.yaml` in base/<c>/, overlays/<env>/<c>/ and its patches/).
import { objectFileName } from './component-tree.ts';
import type { KubeObject } from './kube.ts';
import { DIRS } from './names.ts';

/**
 * For an object rendered from the kustomize directory `appPath` (e.g. overlays/prod/postgres),
 * the generated files that define or change it, base first. Objects kustomize generates
 * from files (ConfigMaps) point at their source folder and the kustomization.
 */
export function objectSources(files: Iterable<string>, appPath: string, o: KubeObject): string[] {
  const all = new Set(files);
  const name = objectFileName(o);
  const m = /^overlays\/[^/]+\/([^/]+)$/.exec(appPath);
  const dirs = m ? [`${DIRS.base}/${m[1]}`, appPath] : [appPath];
  const out: string[] = [];
  for (const dir of dirs) {
    for (const candidate of [`${dir}/${name}`, `${dir}/patches/${name}`]) if (all.has(candidate)) out.push(candidate);
  }
  if (!out.length && o.kind === 'ConfigMap') {
    for (const dir of dirs) {
      const prefix = `${dir}/${o.metadata.name}/`;
      const generated = [...all].filter((f) => f.startsWith(prefix)).sort();
      if (generated.length) out.push(`${dir}/kustomization.yaml`, ...generated);
    }
  }
  if (!out.length) {
    for (const dir of dirs) if (all.has(`${dir}/kustomization.yaml`)) out.push(`${dir}/kustomization.yaml`);
  }
  return out;
}
