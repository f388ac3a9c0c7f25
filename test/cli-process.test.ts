// The e2e suite's way of running commands: a command that prints no JSON fails with what
// it said on stderr/stdout, not with a bare JSON.parse error.
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli, tail } from './support/cli-process.ts';
import { ROOT } from './support/render-all.ts';

describe('runCli / jsonOf', () => {
  it('keeps stderr and reports it when the output is not JSON', async () => {
    // (With --json even a failure prints JSON, so this one runs without it.)
    const r = await runCli(ROOT, ['no-such-command'], { timeoutMs: 60_000, echo: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-command/);
    expect(() => jsonOf(r, 'npm run no-such-command')).toThrow(
      /^npm run no-such-command exited 2 without a JSON result on stdout \(.*\)\n--- stdout \(tail\) ---\n[^]*--- stderr \(tail\) ---\n[^]*no-such-command/,
    );
  });

  it('returns the parsed result when stdout is JSON', () => {
    expect(jsonOf({ code: 0, stdout: '{"ok":true}\n', stderr: 'progress\n' }, 'x')).toEqual({ ok: true });
  });

  it('shows only the last lines', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    expect(tail(long, 3)).toBe('line 97\nline 98\nline 99');
    expect(tail('')).toBe('(empty)');
  });
});
