// Reads the repository files the component specs ship (OPA's Rego policies and their
// tests), so the pure planner receives them as data (BuildContext.files).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentSourceFiles } from '../core/components/index.ts';
import type { ComponentSpec, SourceFiles } from '../core/components/spec.ts';
import { UserError } from '../core/errors.ts';

/** Repository-relative path → content of every file the components list in `sourceFiles`. */
export async function readComponentFiles(root: string, components?: readonly ComponentSpec[]): Promise<SourceFiles> {
  const paths = componentSourceFiles(components);
  const entries = await Promise.all(
    paths.map(async (path) => {
      try {
        return [path, await readFile(join(root, path), 'utf8')] as const;
      } catch (e) {
        throw new UserError(
          `cannot read ${path}, a source file of the component specs`,
          'run this from the somastack repository root, and restore the file from git if it is missing',
          { cause: e },
        );
      }
    }),
  );
  return Object.fromEntries(entries);
}
