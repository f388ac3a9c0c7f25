// `generate` writes nothing invalid: before the tree is planned, every object each component
// builds in each environment is checked against the schema of its kind (the same package
// schemas `validate` uses, unknown fields and quantities included). A problem is reported
// against the component's TypeScript source, where the fix goes, not the generated file.
import type { ClusterConfig } from '../core/cluster-config.ts';
import { buildContext, COMPONENTS } from '../core/components/index.ts';
import { buildTree } from '../core/tree.ts';
import { readComponentFiles } from './component-files.ts';
import type { ComponentSpec, SourceFiles } from '../core/components/spec.ts';
import { ConfigError, type Problem } from '../core/errors.ts';
import { ENVIRONMENTS } from '../core/names.ts';
import type { ObjectItem } from '../core/validate/documents.ts';
import { checkItems } from '../core/validate/engine.ts';
import { formatRef, mergeFindings } from '../core/validate/report.ts';
import { PackageSchemas } from './schemas.ts';

/** The module a person edits to change a component. */
export const componentSource = (c: Pick<ComponentSpec, 'name'>) => `src/core/components/${c.name}.ts`;

function componentItems(components: readonly ComponentSpec[], files: SourceFiles): ObjectItem[] {
  const ctx = buildContext(files, components);
  const items: ObjectItem[] = [];
  for (const c of components) {
    for (const env of ENVIRONMENTS) {
      for (const object of c.build(env, ctx)) items.push({ object, file: componentSource(c), origin: env });
    }
  }
  return items;
}

/**
 * Throws a ConfigError listing every schema error in the objects the components build, with
 * the environment and object named; returns quietly when there is none.
 */
export async function checkComponentObjects(components: readonly ComponentSpec[], files: SourceFiles): Promise<void> {
  const items = componentItems(components, files);
  const schemas = new PackageSchemas();
  await schemas.preload(items.map((i) => i.object));
  const { findings } = checkItems(items, schemas.lookup, { policy: false, ctx: { mode: 'files' } });
  // The same typo usually shows in every environment: one problem naming them all.
  const problems: Problem[] = mergeFindings(findings.filter((f) => f.severity === 'error')).map((f) => ({
    file: f.file,
    path: `${formatRef(f.object)} ${f.pointer ?? ''}`.trim(),
    message: `${f.message} (in ${(f.origins ?? []).join(', ')})`,
    hint: f.fix,
  }));
  if (problems.length) {
    throw new ConfigError(
      `the TypeScript source builds ${problems.length} invalid object field(s); nothing was written:`,
      problems,
    );
  }
}

/**
 * The repository's planned generated tree: the component source files read from `root`,
 * every object the components build schema-checked first when `check` (generate, validate),
 * or not when only a comparison is wanted (diff's staleness warning).
 */
export async function planRepositoryTree(
  root: string,
  clusters: readonly ClusterConfig[],
  { check }: { check: boolean },
): Promise<Map<string, string>> {
  const sources = await readComponentFiles(root);
  if (check) await checkComponentObjects(COMPONENTS, sources);
  return buildTree(clusters, sources);
}
