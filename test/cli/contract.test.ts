// What every command promises through the one option table and the one error formatter:
// a flag name parses the same everywhere, bad input exits 2 with a fix line and no "bug",
// output paths are checked before any work, and --json failures are errorJson on stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { COMMANDS, formatHelp, main } from '../../src/cli/main.ts';
import { parseOptionValues } from '../../src/cli/options.ts';
import type { Command } from '../../src/cli/types.ts';
import { captureIo } from '../support/io.ts';
import { writeMiniRepo } from '../support/mini-repo.ts';

const commands: Command[] = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).command));

/** The value a flag parses to, or the text of the error it raises. */
function outcome(command: Command, flag: string, raw: string | boolean, cwd: string): unknown {
  try {
    return Object.values(parseOptionValues({ [flag]: command.options[flag]! }, { [flag]: raw }, { cwd }))[0];
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const SAMPLES: (string | boolean)[] = ['15m', '90s', '900', '0', '-3', '1.5', 'abc', 'kind-soma', 'json', true];

describe('one option table', () => {
  const byFlag = new Map<string, Command[]>();
  for (const c of commands) for (const f of Object.keys(c.options)) byFlag.set(f, [...(byFlag.get(f) ?? []), c]);
  const shared = [...byFlag].filter(([, cs]) => cs.length > 1);

  it('has flags shared by several commands (the test would be empty otherwise)', () => {
    expect(shared.map(([f]) => f)).toEqual(expect.arrayContaining(['timeout', 'json', 'cluster', 'context']));
  });

  for (const [flag, cs] of shared) {
    it(`--${flag} parses the same in ${cs.map((c) => c.name).join(', ')}`, () => {
      const cwd = tempDir('flags-');
      const samples = cs[0]!.options[flag]!.type === 'boolean' ? [true] : SAMPLES.filter((s) => typeof s === 'string');
      for (const raw of samples) {
        const results = cs.map((c) => outcome(c, flag, raw, cwd));
        expect(
          new Set(results.map((r) => JSON.stringify(r))).size,
          `--${flag} ${String(raw)}: ${JSON.stringify(results)}`,
        ).toBe(1);
      }
    });
  }

  it('a duration means the same in every command: 15m is 900 seconds is 900s', () => {
    const timeouts = commands.filter((c) => c.options.timeout);
    expect(timeouts.map((c) => c.name)).toEqual(expect.arrayContaining(['bootstrap', 'status', 'smoke']));
    for (const c of timeouts) {
      const ms = (raw: string) => outcome(c, 'timeout', raw, '.');
      expect(ms('15m')).toBe(ms('900'));
      expect(ms('900s')).toBe(ms('900'));
      expect(ms('1h')).toBe(4 * (ms('15m') as number));
    }
  });

  it('--help shows each default from the table, and the default parses like typed input', () => {
    for (const c of commands) {
      for (const [flag, def] of Object.entries(c.options)) {
        if (def.default === undefined) continue;
        const typed = outcome(c, flag, def.default, '.');
        expect(String(typed), `${c.name} --${flag}`).not.toMatch(/^error/);
        expect(Object.values(parseOptionValues({ [flag]: def }, {}, { cwd: '.' }))[0]).toEqual(typed);
        const help = formatHelp(c);
        expect(help).toContain(`(default: ${def.default})`);
      }
    }
  });
});

describe('bad input exits 2 with a fix, in every command', () => {
  for (const c of commands) {
    it(`${c.name}: an unknown flag, and a bad value for each typed flag`, async () => {
      const root = tempDir('bad-input-');
      const io = captureIo({ root });
      expect(await main([c.name, '--no-such-flag'], io)).toBe(2);
      for (const [flag, def] of Object.entries(c.options)) {
        if (def.type === 'boolean' || outcome(c, flag, 'not a value!', root) === 'not a value!') continue;
        const bad = captureIo({ root });
        expect(await main([c.name, `--${flag}`, 'not a value!'], bad), `${c.name} --${flag}`).toBe(2);
        expect(bad.err).toMatch(/^error: .*\n(.*\n)* {2}fix: /);
        expect(bad.err).not.toMatch(/bug|\n\s+at /);
      }
    });
  }
});

describe('output paths are checked before any work', () => {
  const notAGitRepo = () => tempDir('no-git-');

  it('diff --out under a file, or naming a folder: an input error, before git or kustomize run', async () => {
    const root = notAGitRepo();
    writeFileSync(join(root, 'file'), '');
    mkdirSync(join(root, 'folder'));
    for (const out of ['file/diff.md', 'folder']) {
      const io = captureIo({ root });
      expect(await main(['diff', '--base', 'HEAD', '--out', out], io)).toBe(2);
      expect(io.err).toContain(`cannot write --out ${out}`);
      expect(io.err).toContain('  fix: ');
      // The repository check (the first piece of work) never ran.
      expect(io.err).not.toContain('not inside a git repository');
    }
  });

  it('validate --junit naming a folder: rejected before anything is rendered', async () => {
    const root = writeMiniRepo({});
    const io = captureIo({ root });
    expect(await main(['validate', '--junit', 'clusters'], io)).toBe(2);
    expect(io.err).toMatch(/cannot write --junit clusters: it is a folder\n {2}fix: /);
    expect(io.err).not.toContain('rendering');
  });

  it('render --out-dir naming a file: rejected before anything is rendered', async () => {
    const root = writeMiniRepo({});
    const io = captureIo({ root });
    expect(await main(['render', '--cluster', 'test', '--out-dir', 'clusters/test/cluster.yaml'], io)).toBe(2);
    expect(io.err).toMatch(/it is a file, not a folder\n {2}fix: /);
    expect(io.err).not.toContain('rendered');
  });
});

describe('user mistakes are input errors, not bugs', () => {
  it('render of a broken kustomization: exit 2, what failed, a fix line, no stack', async () => {
    const root = writeMiniRepo({
      redis: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'soma-infra' } }],
    });
    writeFileSync(join(root, 'overlays/dev/redis/kustomization.yaml'), 'resources:\n  - does-not-exist.yaml\n');
    const io = captureIo({ root });
    expect(await main(['render', '--cluster', 'test'], io)).toBe(2);
    expect(io.err).toMatch(/^error: kustomize build .*overlays\/dev\/redis failed/m);
    expect(io.err).toMatch(/^ {2}fix: /m);
    expect(io.err).not.toMatch(/bug|\n\s+at /);
  });
});

describe('--json failures', () => {
  const jsonCommands = commands.filter((c) => c.options.json);

  for (const c of jsonCommands) {
    it(`${c.name} --json: a bad flag prints errorJson on stdout and exits 2`, async () => {
      const io = captureIo({ root: tempDir('json-') });
      expect(await main([c.name, '--json', '--no-such-flag'], io)).toBe(2);
      const { error } = JSON.parse(io.out) as { error: { kind: string; message: string; fix?: string } };
      expect(error.kind).toBe('input');
      expect(error.message).toContain('--no-such-flag');
      expect(error.fix).toContain(`npm run ${c.name} -- --help`);
    });
  }

  it('carries the kind of the failure: unreadable drift input is a config error', async () => {
    const root = tempDir('json-');
    const io = captureIo({ root });
    expect(await main(['drift', '--json', '--desired', 'missing.yaml', '--live', 'missing-too.yaml'], io)).toBe(2);
    expect(JSON.parse(io.out).error).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('missing.yaml'),
    });
    expect(io.err).toContain('error: cannot read the input');
  });
});
