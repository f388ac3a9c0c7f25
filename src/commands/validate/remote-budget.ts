// The budget share of a source `validate` does not render (Argo CD's install, an
// operator's release by URL): what its local patches size is known without the network.
import { posix } from 'node:path';
import { type AppSource, localBases } from '../../adapters/render.ts';
import type { KubeObject } from '../../core/kube.ts';
import { FILES } from '../../core/names.ts';
import { parseYamlStream } from '../../core/yaml.ts';
import type { BudgetGroup } from '../../core/validate/budget.ts';
import { parseManifests } from '../../core/validate/documents.ts';
import type { RepositoryDeps } from './repository.ts';

/** The patch texts a kustomization applies, then those of the local bases it includes (an operator's overlay → its base). */
async function patchSources(
  root: string,
  dir: string,
  deps: RepositoryDeps,
  depth = 0,
): Promise<{ name: string; text: string | undefined }[]> {
  const text = await deps.repo.readText(root, `${dir}/${FILES.kustomization}`);
  const kustomization = text === undefined ? undefined : parseYamlStream(text)[0]?.value;
  if (!kustomization || typeof kustomization !== 'object') return [];
  const k = kustomization as { patches?: { path?: unknown; patch?: unknown }[]; patchesStrategicMerge?: unknown[] };
  const sources: { name: string; text: string | undefined }[] = [];
  const entries: { path?: unknown; patch?: unknown }[] = [
    ...(k.patches ?? []),
    ...(k.patchesStrategicMerge ?? []).map((path) => ({ path })),
  ];
  for (const p of entries) {
    if (typeof p?.path === 'string')
      sources.push({ name: `${dir}/${p.path}`, text: await deps.repo.readText(root, `${dir}/${p.path}`) });
    else if (typeof p?.patch === 'string') sources.push({ name: `${dir}/${FILES.kustomization}`, text: p.patch });
  }
  if (depth < 4 && text !== undefined) {
    for (const base of localBases(text))
      sources.push(...(await patchSources(root, posix.join(dir, base), deps, depth + 1)));
  }
  return sources;
}

/**
 * A remote source (Argo CD's install, an operator's release) is not rendered, but the
 * requests its local patches set are known: read the patches its kustomization (and the
 * local bases it includes) applies and count the workloads they size (a `$patch: delete`
 * removes one and counts nothing).
 */
export async function remotePatchBudget(root: string, app: AppSource, deps: RepositoryDeps): Promise<BudgetGroup> {
  const group: BudgetGroup = {
    component: app.component,
    note: `from ${app.path} patches, upstream install not rendered`,
    objects: [],
  };
  const objects: KubeObject[] = [];
  for (const src of await patchSources(root, app.path, deps)) {
    if (src.text === undefined) continue;
    objects.push(
      ...parseManifests(src.name, src.text)
        .items.map((i) => i.object)
        .filter((o) => o.$patch !== 'delete'),
    );
  }
  return { ...group, objects };
}
