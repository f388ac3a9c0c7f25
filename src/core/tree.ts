// The repository's generated tree: the pure planner (tree-plan.ts) applied to the
// registered components. Tests of the generator itself use planTree with fixtures.
import type { ClusterConfig } from './cluster-config.ts';
import { buildContext } from './components/index.ts';
import type { SourceFiles } from './components/spec.ts';
import { planTree } from './tree-plan.ts';

export { GENERATED_FILES, GENERATED_ROOTS, enabledComponents, isGeneratedPath, planTree } from './tree-plan.ts';

/**
 * Every generated file of this repository (path → content), sorted by path. Pure: `files`
 * holds the components' source files (src/adapters/component-files.ts reads them).
 */
export function buildTree(clusters: readonly ClusterConfig[], files: SourceFiles): Map<string, string> {
  return planTree(clusters, buildContext(files));
}
