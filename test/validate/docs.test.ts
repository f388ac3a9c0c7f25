// docs/validation.md is what people read to understand a finding: it must name every
// policy rule and every schema package with the version actually installed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaPackages } from '../../src/adapters/schemas.ts';
import { RULES } from '../../src/core/validate/policy/index.ts';
import { REPO } from './helpers.ts';

const doc = readFileSync(`${REPO}docs/validation.md`, 'utf8');

describe('docs/validation.md', () => {
  it('documents every policy rule with its id and title', () => {
    for (const r of RULES) expect(doc, r.id).toContain(`| \`${r.id}\` | ${r.title} |`);
  });

  it('names the schema packages and their installed versions', async () => {
    for (const p of await schemaPackages())
      expect(doc).toMatch(
        new RegExp(`\\[\`${p.name.replace('/', '\\/')}\`\\]\\([^)]*\\) \\| ${p.version.replaceAll('.', '\\.')} \\|`),
      );
  });
});
