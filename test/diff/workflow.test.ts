// The pull-request workflow is configuration, but its contract with `npm run diff` is
// easy to break silently: these checks pin it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const file = join(import.meta.dirname, '..', '..', '.github', 'workflows', 'pr.yml');
const wf = parse(readFileSync(file, 'utf8')) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Record<string, any>[] }>;
};
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
const run = (pattern: RegExp) => steps.find((s) => typeof s.run === 'string' && pattern.test(s.run));

describe('.github/workflows/pr.yml', () => {
  it('runs on pull requests with only the permissions it needs', () => {
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('checks out full history so the base branch can be rendered', () => {
    const checkout = steps.find((s) => String(s.uses).startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    expect(steps.find((s) => String(s.uses).startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(24);
  });

  it('installs, tests and validates with a JUnit report before diffing', () => {
    const order = [
      /npm ci/,
      /npm test/,
      /npm run validate -- --fetch-upstream --junit reports\/validate\.xml/,
      /npm run --silent diff --/,
    ].map((p) => steps.indexOf(run(p)!));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('diffs against the base branch, posts, saves the full diff, and treats "changes" (exit 1) as success', () => {
    const diff = run(/npm run --silent diff --/)!;
    expect(diff.run).toContain('--base "origin/$BASE_REF"');
    expect(diff.run).toContain('--out reports/diff.md');
    expect(diff.env.BASE_REF).toBe('${{ github.base_ref }}');
    expect(diff.env.POST).toContain("'--post'");
    expect(diff.env.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(diff.run).toMatch(/\[ "\$code" -le 1 \]\s*$/);
    const upload = steps.find((s) => s.with?.name === 'rendered-diff');
    expect(upload?.with?.path).toBe('reports/diff.md');
  });
});
