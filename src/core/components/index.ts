// The registered components as a list, and lookup by name for commands.
import { COMPONENT_LIST, type ComponentName } from '../contracts.ts';
import { UserError } from '../errors.ts';
import type { BuildContext, ComponentSpec, SourceFiles } from './spec.ts';

/** Every registered component (src/core/components/registry.ts), in registration order. */
export const COMPONENTS: readonly ComponentSpec[] = COMPONENT_LIST;

export function getComponent(name: ComponentName | string): ComponentSpec {
  const c = COMPONENTS.find((x) => x.name === name);
  if (!c) throw new UserError(`unknown component '${name}'`, `one of: ${COMPONENTS.map((x) => x.name).join(', ')}`);
  return c;
}

/** Every repository file a registered component reads (relative paths), for the adapter that reads them. */
export function componentSourceFiles(components: readonly ComponentSpec[] = COMPONENTS): string[] {
  return components.flatMap((c) => c.sourceFiles);
}

/** What the builders of the registered components receive, given the contents of their source files. */
export function buildContext(files: SourceFiles, components: readonly ComponentSpec[] = COMPONENTS): BuildContext {
  return { components, files };
}
