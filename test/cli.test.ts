import { describe, expect, it } from 'vitest';
import { COMMANDS, formatHelp, main } from '../src/cli/main.ts';
import { ROOT } from './support/render-all.ts';
import { captureIo as sharedCaptureIo } from './support/io.ts';

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
    expect(io.err).toContain('kind-soma, prod, staging');
  });
});
