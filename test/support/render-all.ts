// Renders every component overlay of every environment once per test process with
// real kustomize, for the repository-wide tests.
import { join } from 'node:path';
import { kustomizeBuild } from '../../src/adapters/kustomize.ts';
import { parseRendered } from '../../src/adapters/render.ts';
import { COMPONENTS } from '../../src/core/components/index.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { ENVIRONMENTS, type Environment } from '../../src/core/names.ts';
import { mapLimit } from '../../src/core/pool.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface RenderedOverlay {
  env: Environment;
  component: string;
  objects: KubeObject[];
}

let cache: Promise<RenderedOverlay[]> | undefined;

export function renderAllOverlays(): Promise<RenderedOverlay[]> {
  // An operator's overlay pulls its pinned release by URL: not rendered offline (validate counts its patches).
  const local = COMPONENTS.filter((c) => !c.upstream);
  const jobs = ENVIRONMENTS.flatMap((env) => local.map((c) => ({ env, component: c.name })));
  cache ??= mapLimit(jobs, 4, async (j) => ({
    ...j,
    objects: parseRendered(
      await kustomizeBuild(join(ROOT, 'overlays', j.env, j.component)),
      `overlays/${j.env}/${j.component}`,
    ),
  }));
  return cache;
}
