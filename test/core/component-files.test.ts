// The adapter that hands the planner the files component specs ship (OPA's Rego).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readComponentFiles } from '../../src/adapters/component-files.ts';
import { componentSourceFiles } from '../../src/core/components/index.ts';
import { UserError, describeError } from '../../src/core/errors.ts';
import { REPO_ROOT } from '../support/context.ts';

describe('readComponentFiles', () => {
  it('reads every file the registered specs list, by repository path', async () => {
    const files = await readComponentFiles(REPO_ROOT);
    expect(Object.keys(files).sort()).toEqual(componentSourceFiles().sort());
    expect(files['src/core/components/opa/soma.rego']).toMatch(
      /^# Soma policy decision point\.\n[\s\S]*^package soma$/m,
    );
  });

  it('names a missing file and how to restore it, as a user error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'somastack-nofiles-'));
    try {
      const error = await readComponentFiles(empty).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      expect(describeError(error)).toMatch(
        /cannot read src\/core\/components\/opa\/\w+\.rego[\s\S]*fix: run this from the somastack repository root/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
