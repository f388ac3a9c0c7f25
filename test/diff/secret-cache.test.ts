// The render cache (which CI uploads with actions/cache) holds no Secret value, in base64
// or in plain text, and a changed value is still reported as changed — from a cold run
// and from the cache alike.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRenderedDiff, type DiffRun } from '../../src/commands/diff/revisions.ts';
import { runProcess } from '../../src/adapters/process.ts';
import { commit, edit, git, makeRepo, write } from './repo.ts';

const OLD = 'hunter2-old-x9';
const NEW = 'hunter3-new-y8';
const TOKEN = 'tok-plain-7731';
const VALUES = [OLD, NEW, TOKEN];

let repo: string;
let first: string;
let second: string;
const cacheDir = () => join(repo, '.cache/render');
const keyFile = () => join(repo, '.git/somastack/render-digest.key');

function secretYaml(password: string): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: redis-auth',
    '  namespace: soma-infra',
    'data:',
    `  password: ${Buffer.from(password).toString('base64')}`,
    'stringData:',
    `  token: ${TOKEN}`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  repo = await makeRepo({
    lab: `name: lab\nenvironment: dev\ndestination:\n  server: https://kubernetes.default.svc\nrepository:\n  url: https://github.com/example/somastack.git\n  revision: main\ncomponents: [platform, redis]\n`,
  });
  write(repo, 'base/redis/secret-auth.yaml', secretYaml(OLD));
  edit(repo, 'base/redis/kustomization.yaml', (t) => t.replace('resources:\n', 'resources:\n  - secret-auth.yaml\n'));
  first = commit(repo, 'add a secret');
  write(repo, 'base/redis/secret-auth.yaml', secretYaml(NEW));
  second = commit(repo, 'rotate it');
});
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

function cacheText(): string {
  return readdirSync(cacheDir())
    .map((n) => readFileSync(join(cacheDir(), n), 'utf8'))
    .join('\n');
}

function expectNoValue(text: string): void {
  for (const v of VALUES) {
    expect(text).not.toContain(v);
    expect(text).not.toContain(Buffer.from(v).toString('base64'));
  }
}

function secretChange(run: DiffRun) {
  const objects = run.report.clusters.flatMap((c) => c.apps.flatMap((a) => a.objects));
  return objects.find((o) => o.kind === 'Secret');
}

describe('the render cache and Secrets', () => {
  it('keeps no Secret value in the cache, and still reports the changed one', async () => {
    const run = await runRenderedDiff(
      repo,
      { base: first, head: second, cacheDir: cacheDir() },
      { runner: runProcess },
    );
    expect(run.stats.rendered).toBeGreaterThan(0);
    const s = secretChange(run)!;
    expect(s.secretKeys).toEqual({ added: [], removed: [], changed: ['password'] });
    expect(s.patch).toContain('+  password: <redacted, new value>');
    expect(s.patch).not.toMatch(/^[-+]\s+token:/m);
    expectNoValue(cacheText());
    expect(cacheText()).toContain('<digest:');
    expectNoValue(JSON.stringify(run.report));
  });

  it('reports the same change from the cache alone', async () => {
    const run = await runRenderedDiff(
      repo,
      { base: first, head: second, cacheDir: cacheDir() },
      { runner: runProcess },
    );
    expect(run.stats.rendered).toBe(0);
    expect(secretChange(run)!.secretKeys!.changed).toEqual(['password']);
  });

  it('keeps its key in the git folder, readable by its owner only', () => {
    const st = statSync(keyFile());
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.size).toBe(32);
    expect(git(repo, 'status', '--porcelain', '--ignored')).not.toContain('render-digest');
  });

  it('does not reuse a digested render under another key, but reuses renders without Secrets', async () => {
    rmSync(keyFile());
    const run = await runRenderedDiff(
      repo,
      { base: first, head: second, cacheDir: cacheDir() },
      { runner: runProcess },
    );
    expect(run.stats.rendered).toBe(2); // redis at base and at head: the only renders with a Secret
    // the others have one key at both revisions: unchanged, neither built nor read
    expect(run.stats.unchanged).toBeGreaterThan(0);
    expect(secretChange(run)!.secretKeys!.changed).toEqual(['password']);
    expectNoValue(cacheText());
  });
});
