// One option table for every command: a flag name means one thing everywhere, typed
// values are parsed the same way in every command, and bad input stops with exit 2 and a
// fix before any work — on stdout too when --json asked for machine-readable output.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/cli/main.ts';
import { checkOutputPath, parseCount, parseDuration } from '../src/cli/options.ts';
import type { Command, OptionSpec } from '../src/cli/types.ts';
import { captureIo } from './support/io.ts';
import { ROOT } from './support/render-all.ts';
import { tempDir } from './support/temp.ts';

async function tables(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).command));
}

describe('the shared option table', () => {
  it('gives a flag name one type and one meaning in every command', async () => {
    const seen = new Map<string, { spec: OptionSpec; command: string }>();
    for (const command of await tables()) {
      for (const [flag, spec] of Object.entries(command.options)) {
        const first = seen.get(flag);
        if (!first) seen.set(flag, { spec, command: command.name });
        else
          expect(`${command.name} --${flag}: ${spec.type} ${spec.value ?? ''}`).toBe(
            `${command.name} --${flag}: ${first.spec.type} ${first.spec.value ?? ''}`,
          );
      }
    }
    expect(seen.get('timeout')?.spec.type).toBe('duration');
    expect(seen.get('context')?.spec.value).toBe('<name>');
  });

  it('parses durations with or without a unit, in every command that waits', async () => {
    expect(['900', '90s', '15m', '1h', '1.5m', '500ms'].map((t) => parseDuration(t, 'timeout'))).toEqual([
      900_000, 90_000, 900_000, 3_600_000, 90_000, 500,
    ]);
    for (const bad of ['', '0', '15 minutes', '-5', 'm'])
      expect(() => parseDuration(bad, 'timeout'), bad).toThrow(/is not a duration/);
    // status and smoke took only seconds before; the same text now works everywhere.
    for (const argv of [
      ['status', '--wait', '--timeout', '15x'],
      ['smoke', '--timeout', '3 m'],
      ['bootstrap', '--dry-run', '--timeout', 'soon'],
    ]) {
      const io = captureIo({ root: ROOT });
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err).toMatch(/is not a duration[\s\S]*fix: write seconds \(900\) or a number with a unit/);
    }
  });

  it('checks counts against their bounds', () => {
    expect(parseCount('8', 'concurrency', { min: 1, max: 64 })).toBe(8);
    expect(parseCount('0', 'unified', { min: 0, max: 100 })).toBe(0);
    for (const bad of ['0', '65', '2.5', 'four', '-1'])
      expect(() => parseCount(bad, 'concurrency', { min: 1, max: 64 }), bad).toThrow(
        /is not a whole number from 1 to 64/,
      );
  });

  it('rejects an enum value outside its choices with the choices', async () => {
    const io = captureIo({ root: ROOT });
    expect(await main(['diff', '--base', 'HEAD', '--format', 'html'], io)).toBe(2);
    expect(io.err).toContain("--format 'html' is not one of: markdown, text, json");
  });
});

describe('output paths are checked before any work', () => {
  const dir = tempDir('somastack-out-');

  it('accepts a new file in a folder that does not exist yet, if the nearest existing one is writable', () => {
    expect(checkOutputPath('reports/deep/validate.xml', 'junit', dir, 'file')).toBe('reports/deep/validate.xml');
  });

  it('refuses a directory given as a file, a file given as a folder, and a read-only folder', () => {
    mkdirSync(join(dir, 'adir'));
    writeFileSync(join(dir, 'afile'), 'x');
    expect(() => checkOutputPath('adir', 'out', dir, 'file')).toThrow(/'adir' is a directory/);
    expect(() => checkOutputPath('afile', 'out', dir, 'dir')).toThrow(/'afile' is a file, not a folder/);
    expect(() => checkOutputPath('afile/x.md', 'out', dir, 'file')).toThrow(/is a file, not a folder/);
    if (process.getuid?.() === 0) return; // root writes anywhere: the permission case cannot fail for root
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o500);
    expect(() => checkOutputPath('ro/x.md', 'out', dir, 'file')).toThrow(/cannot write in/);
  });

  it('diff refuses an --out directory before rendering anything, and says so as JSON with --json', async () => {
    mkdirSync(join(dir, 'outdir'), { recursive: true });
    const io = captureIo({ root: ROOT, cwd: dir });
    expect(await main(['diff', '--base', 'HEAD', '--out', 'outdir', '--json'], io)).toBe(2);
    expect(io.err).toMatch(/--out 'outdir' is a directory\n\s+fix: pass a path you can write to --out/);
    expect(io.err).not.toMatch(/render|bug/i);
    expect(JSON.parse(io.out)).toEqual({
      error: expect.objectContaining({ kind: 'input', message: "--out 'outdir' is a directory" }),
    });
  });
});

describe('user mistakes are not reported as bugs', () => {
  it('render with a broken kustomization: an input error naming the folder and the fix, no stack', async () => {
    const { writeMiniRepo } = await import('./support/mini-repo.ts');
    const root = writeMiniRepo({
      opa: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'soma-infra' }, data: {} }],
    });
    writeFileSync(join(root, 'overlays/dev/opa/kustomization.yaml'), 'resources: [missing.yaml]\n');
    const io = captureIo({ root });
    expect(await main(['render', '--cluster', 'test'], io)).toBe(2);
    expect(io.err).toMatch(/kustomize build .*overlays\/dev\/opa.* failed/);
    expect(io.err).toMatch(/fix: correct the kustomization in/);
    expect(io.err).not.toMatch(/bug|\n\s+at /);
  });
});

describe('an input that is not recognised is an error, never an absence', () => {
  it('a cluster folder with cluster.yml instead of cluster.yaml stops generate and validate with the rename', async () => {
    const { writeMiniRepo } = await import('./support/mini-repo.ts');
    const { renameSync } = await import('node:fs');
    const root = writeMiniRepo({ opa: [] });
    renameSync(join(root, 'clusters/test/cluster.yaml'), join(root, 'clusters/test/cluster.yml'));
    for (const verb of ['generate', 'render']) {
      const io = captureIo({ root });
      expect(await main(verb === 'render' ? [verb, '--cluster', 'test'] : [verb], io), verb).toBe(2);
      expect(io.err).toContain('clusters/test/cluster.yml: is not a file somastack reads');
      expect(io.err).toContain('git mv clusters/test/cluster.yml clusters/test/cluster.yaml');
    }
  });
});
