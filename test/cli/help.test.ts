import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, formatHelp, main, SUMMARIES } from '../../src/cli/main.ts';
import { ROOT } from '../support/render-all.ts';
import { captureIo as sharedCaptureIo } from '../support/io.ts';

const captureIo = () => sharedCaptureIo({ root: ROOT });

const VERBS = ['bootstrap', 'teardown', 'generate', 'render', 'validate', 'diff', 'status', 'drift', 'smoke', 'health'];

describe('cli', () => {
  for (const verb of VERBS) {
    it(`prints --help for ${verb} with its options and exits 0`, async () => {
      const io = captureIo();
      expect(await main([verb, '--help'], io)).toBe(0);
      expect(io.out).toContain(`npm run ${verb} --`);
      expect(io.out).toContain('--help');
      const { command } = await COMMANDS[verb]!();
      for (const name of Object.keys(command.options)) expect(io.out).toContain(`--${name}`);
      expect(io.out).toBe(formatHelp(command));
    });
  }

  it('lists every command in the global help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const verb of VERBS) expect(io.out).toMatch(new RegExp(`^  ${verb} `, 'm'));
  });

  it("prints each command's own summary in the global help, without loading the command", async () => {
    expect(Object.keys(SUMMARIES)).toEqual(Object.keys(COMMANDS));
    for (const [verb, load] of Object.entries(COMMANDS))
      expect(SUMMARIES[verb], verb).toBe((await load()).command.summary);
  });

  it('prints the package version for --version and exits 0', async () => {
    const io = captureIo();
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toBe(`somastack ${pkg.version}\n`);
  });

  it('rejects an unknown command with the list of commands and exit 2', async () => {
    const io = captureIo();
    expect(await main(['deploy'], io)).toBe(2);
    expect(io.err).toContain("unknown command 'deploy'");
    expect(io.err).toContain('bootstrap, teardown, generate');
  });

  it('rejects an unknown flag with a pointer to --help and exit 2', async () => {
    const io = captureIo();
    expect(await main(['generate', '--chekc'], io)).toBe(2);
    expect(io.err).toMatch(/Unknown option '--chekc'/);
    expect(io.err).toContain('npm run generate -- --help');
  });

  it('reports a missing required option as a user error with a fix', async () => {
    const io = captureIo();
    expect(await main(['render'], io)).toBe(2);
    expect(io.err).toBe('error: --cluster is required\n  fix: e.g. npm run render -- --cluster kind-soma\n');
  });

  it('names the known clusters for an unknown one', async () => {
    const io = captureIo();
    expect(await main(['render', '--cluster', 'nope'], io)).toBe(2);
    expect(io.err).toContain("unknown cluster 'nope'");
    expect(io.err).toContain('kind-soma, mgmt, prod, staging');
  });
});

describe('lazy --help', () => {
  /** Every module a file loads through static imports (dynamic import() is loaded only to run). */
  function staticGraph(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) staticGraph(resolve(dirname(file), spec), seen);
      else seen.add(spec);
    }
    return seen;
  }

  it('loads no adapter and no cluster, GitHub or process library to print help', async () => {
    const main = resolve(ROOT, 'src/cli/main.ts');
    const files = [
      main,
      ...Object.keys(COMMANDS).map((verb) =>
        resolve(
          ROOT,
          readFileSync(main, 'utf8')
            .match(new RegExp(`${verb}: \\(\\) => import\\('([^']+)'\\)`))![1]!
            .replace('../', 'src/'),
        ),
      ),
    ];
    for (const file of files) {
      const graph = [...staticGraph(file)];
      expect(
        graph.filter((m) => /\/adapters\/|@kubernetes|@octokit|node:child_process|\/cli\/deps\.ts$/.test(m)),
        file,
      ).toEqual([]);
    }
  });
});
