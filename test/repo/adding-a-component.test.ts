// docs/adding-a-component.md, followed on a copy of the repository: a name added to
// COMPONENT_NAMES alone does not compile, and the compiler names exactly the tables the
// guide lists; after the guide's steps the program compiles, and generate writes the new
// component for a cluster that enables it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/render-all.ts';

let copy: string;

function edit(file: string, from: string, to: string): void {
  const path = join(copy, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from))
    throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test and the guide`);
  writeFileSync(path, text.replace(from, to));
}

/** The files tsc reports errors in (relative to the copy). */
function tscErrors(): string[] {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], {
    cwd: copy,
    encoding: 'utf8',
  });
  return [...new Set([...r.stdout.matchAll(/^(src\/[^(]+)\(\d+,\d+\): error/gm)].map((m) => m[1]!))].sort();
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'somastack-add-'));
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files.filter((f) => !f.startsWith('test/') && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(ROOT, f), join(copy, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // Only the program is compiled here; the copy has no tests.
  edit(
    'tsconfig.json',
    '"include": ["src/**/*.ts", "tools/**/*.ts", "test/**/*.ts", "vitest.config.ts", "vitest.e2e.config.ts"]',
    '"include": ["src/**/*.ts"]',
  );
}, 60_000);
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('adding a component (docs/adding-a-component.md)', () => {
  it('step 1 alone does not compile: tsc names every table that must decide about it', () => {
    edit('src/core/contracts.ts', "  'openfga',\n] as const;", "  'openfga',\n  'nats',\n] as const;");
    expect(tscErrors()).toEqual([
      'src/commands/smoke/index.ts',
      'src/core/components/dashboards/index.ts',
      'src/core/components/index.ts',
      'src/core/contracts.ts',
    ]);
  }, 60_000);

  it('after the guide’s steps it compiles, and generate writes it for a cluster that enables it', () => {
    edit('src/core/contracts.ts', "  redis: c('redis', 6379),", "  redis: c('redis', 6379),\n  nats: c('nats', 4222),");
    edit(
      'src/core/contracts.ts',
      "  redis: { metrics: { port: 9121, path: '/metrics' } },",
      "  redis: { metrics: { port: 9121, path: '/metrics' } },\n  nats: { metrics: { port: 7777, path: '/metrics' } },",
    );
    writeFileSync(
      join(copy, 'src/core/components/nats.ts'),
      [
        "import { contractService } from './services.ts';",
        "import type { Component } from './types.ts';",
        '',
        'export const nats: Component = {',
        "  name: 'nats',",
        "  description: 'NATS messaging (throwaway component of a test)',",
        "  tier: 'store',",
        '  images: [],',
        "  build: () => [contractService('nats')],",
        '};',
        '',
      ].join('\n'),
    );
    edit(
      'src/core/components/index.ts',
      "import { openfga } from './openfga.ts';",
      "import { openfga } from './openfga.ts';\nimport { nats } from './nats.ts';",
    );
    edit('src/core/components/index.ts', '  openfga,\n} satisfies', '  openfga,\n  nats,\n} satisfies');
    edit('src/core/components/dashboards/index.ts', '  grafana: null,\n};', '  grafana: null,\n  nats: null,\n};');
    edit(
      'src/commands/smoke/index.ts',
      '  openfga: { none:',
      "  nats: { none: 'a throwaway component' },\n  openfga: { none:",
    );
    expect(tscErrors()).toEqual([]);

    edit('clusters/kind-soma/cluster.yaml', 'qdrant]', 'qdrant, nats]');
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'generate'], { cwd: copy, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(copy, 'apps/kind-soma/nats.yaml'), 'utf8')).toContain('path: overlays/dev/nats');
    expect(existsSync(join(copy, 'base/nats/kustomization.yaml'))).toBe(true);
  }, 120_000);
});
