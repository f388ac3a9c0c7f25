// The flag kinds of the option table, table-driven: what each accepts, what it refuses
// (an input error with a fix), and output paths checked against the real filesystem.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.ts';
import {
  choice,
  choices,
  duration,
  integer,
  type OptionDef,
  outputPath,
  parseDuration,
  text,
} from '../../src/cli/options.ts';
import { UserError } from '../../src/core/errors.ts';

const parse = <T>(def: OptionDef<T>, raw: string | string[] | undefined, cwd = '.') =>
  def.parse(raw ?? def.default, 'flag', { cwd });

describe('durations', () => {
  it.each([
    ['900', '15m'],
    ['90s', '1.5m'],
    ['1h', '60m'],
    ['3600', '1h'],
    ['500ms', '0.5s'],
  ])('%s is the same as %s', (a, b) => {
    expect(parseDuration(a, 'timeout')).toBe(parseDuration(b, 'timeout'));
  });

  it.each(['0', '0s', '-5', '15 minutes', '1d', '', 'm'])('refuses %j with the accepted forms as the fix', (raw) => {
    const e = (() => {
      try {
        parseDuration(raw, 'timeout');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).fix).toMatch(/90s, 15m, 1h/);
  });

  it('a default is parsed like typed input; no default and no flag is undefined', () => {
    expect(parse(duration('d', { default: '3m' }), undefined)).toBe(parseDuration('180', 'x'));
    expect(parse(duration('d'), undefined)).toBeUndefined();
  });
});

describe('integers, choices, required text', () => {
  it('a count is a whole number of at least 1 unless told otherwise', () => {
    expect(parse(integer('<n>', 'd'), '3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'three', '1e3'])
      expect(() => parse(integer('<n>', 'd'), bad)).toThrow(UserError);
    expect(parse(integer('<n>', 'd', { min: 0, max: 100, default: '4' }), '0')).toBe(0);
    expect(() => parse(integer('<n>', 'd', { min: 0, max: 100 }), '101')).toThrow(/from 0 to 100/);
  });

  it('a choice names the allowed words; choices name every unknown one', () => {
    expect(parse(choice(['a', 'b'] as const, 'd'), 'b')).toBe('b');
    expect(() => parse(choice(['a', 'b'] as const, 'd'), 'c')).toThrow(/unknown --flag 'c'/);
    expect(parse(choices(['a', 'b'] as const, '<x>', 'd'), ['a', 'b'])).toEqual(['a', 'b']);
    expect(() => parse(choices(['a', 'b'] as const, '<x>', 'd'), ['a', 'x', 'y'])).toThrow(/x, y/);
  });

  it('a required text is an input error carrying its fix', () => {
    const def = text('<name>', 'd', { required: { fix: 'pass --flag' } });
    expect(() => parse(def, undefined)).toThrow(expect.objectContaining({ kind: 'input', fix: 'pass --flag' }));
  });
});

describe('output paths', () => {
  const dir = tempDir('out-');
  writeFileSync(join(dir, 'a-file'), '');
  mkdirSync(join(dir, 'a-folder'));

  it('accepts a new file in new folders (they are created later) and resolves it from cwd', () => {
    expect(parse(outputPath('<file>', 'd'), 'reports/deep/x.xml', dir)).toBe(join(dir, 'reports/deep/x.xml'));
    expect(parse(outputPath('<file>', 'd'), 'a-file', dir)).toBe(join(dir, 'a-file'));
    expect(parse(outputPath('<dir>', 'd', { directory: true }), 'a-folder', dir)).toBe(join(dir, 'a-folder'));
  });

  it.each([
    ['a folder where a file is wanted', 'a-folder', false, /it is a folder/],
    ['a file where a folder is wanted', 'a-file', true, /it is a file, not a folder/],
    ['a path under a file', 'a-file/x.md', false, /is not a folder/],
  ])('refuses %s', (_, raw, directory, message) => {
    expect(() => parse(outputPath('<p>', 'd', { directory }), raw, dir)).toThrow(
      expect.objectContaining({ kind: 'input', message: expect.stringMatching(message), fix: expect.any(String) }),
    );
  });
});
