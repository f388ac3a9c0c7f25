import { describe, expect, it } from 'vitest';
import { ConfigError, describeError, ProcessError, UserError } from '../../src/core/errors.ts';

describe('describeError', () => {
  it('gives a user error its fix, with an optional context before the message', () => {
    expect(describeError(new UserError('no token', 'set GITHUB_TOKEN'))).toBe('error: no token\n  fix: set GITHUB_TOKEN\n');
    expect(describeError(new UserError('403', 'needs pull-requests: write'), 'could not post the diff comment')).toBe(
      'error: could not post the diff comment: 403\n  fix: needs pull-requests: write\n',
    );
  });

  it('prints config and process errors as they are, without a bug marker', () => {
    const config = new ConfigError('1 problem:', [{ file: 'clusters/x/cluster.yaml', path: '/name', message: 'is wrong' }]);
    expect(describeError(config)).toBe(`error: ${config.message}\n`);
    expect(describeError(new ProcessError('kind', ['get', 'clusters'], 1, 'boom'))).not.toContain('bug');
  });

  it('marks anything else as a possible bug and keeps the stack', () => {
    const text = describeError(new TypeError('x is undefined'));
    expect(text).toMatch(/^error: x is undefined\n\(unexpected error; this may be a bug in somastack\)\nTypeError: x is undefined/);
  });
});
