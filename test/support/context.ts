// The build context of the registered components, with their source files read from
// this checkout: what `generate` hands the planner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContext, componentSourceFiles } from '../../src/core/components/index.ts';
import type { BuildContext, SourceFiles } from '../../src/core/components/spec.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The registered components' source files, read from the repository. */
export const SOURCE_FILES: SourceFiles = Object.fromEntries(
  componentSourceFiles().map((p) => [p, readFileSync(join(REPO_ROOT, p), 'utf8')]),
);

export const CTX: BuildContext = buildContext(SOURCE_FILES);
