import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ContextualError,
  describeError,
  errorJson,
  errorKind,
  ExternalError,
  InternalError,
  ProcessError,
  UserError,
} from '../../src/core/errors.ts';

describe('describeError', () => {
  it('gives a user error its fix, with an optional context before the message', () => {
    expect(describeError(new UserError('no token', 'set GITHUB_TOKEN'))).toBe(
      'error: no token\n  fix: set GITHUB_TOKEN\n',
    );
    expect(describeError(new UserError('403', 'needs pull-requests: write'), 'could not post the diff comment')).toBe(
      'error: could not post the diff comment: 403\n  fix: needs pull-requests: write\n',
    );
  });

  it('prints config and process errors as they are, without a bug marker', () => {
    const config = new ConfigError('1 problem:', [
      { file: 'clusters/x/cluster.yaml', path: '/name', message: 'is wrong' },
    ]);
    expect(describeError(config)).toBe(`error: ${config.message}\n`);
    expect(describeError(new ProcessError('kind', ['get', 'clusters'], 1, 'boom'))).not.toContain('bug');
  });

  it('marks anything else as a possible bug and keeps the stack', () => {
    const text = describeError(new TypeError('x is undefined'));
    expect(text).toMatch(
      /^error: x is undefined\n\(unexpected error; this is a bug in somastack, please report it\)\nTypeError: x is undefined/,
    );
  });
});

describe('error kinds', () => {
  it('gives every error the program raises a kind, and anything else is internal', () => {
    expect(errorKind(new UserError('bad flag'))).toBe('input');
    expect(errorKind(new ConfigError('bad file', []))).toBe('config');
    expect(errorKind(new ProcessError('kind', [], 1, ''))).toBe('external');
    expect(errorKind(new ExternalError('cluster down'))).toBe('external');
    expect(errorKind(new InternalError('broken'))).toBe('internal');
    expect(errorKind(new TypeError('x'))).toBe('internal');
  });

  it('says "bug" and shows a stack only for internal errors', () => {
    for (const e of [new UserError('a', 'b'), new ExternalError('c', { fix: 'd' }), new ConfigError('e', [])]) {
      expect(describeError(e)).not.toMatch(/bug|\n\s+at /);
    }
    expect(describeError(new InternalError('broken'))).toMatch(/this is a bug[^]*\n\s+at /);
  });

  it('chains causes that add something, and the fix', () => {
    const root = new Error('connect ECONNREFUSED 127.0.0.1:6443');
    const e = new ExternalError('cannot reach the API server', { fix: 'start the cluster', cause: root });
    expect(describeError(e)).toBe(
      'error: cannot reach the API server\n  because: connect ECONNREFUSED 127.0.0.1:6443\n  fix: start the cluster\n',
    );
    expect(errorJson(e)).toEqual({
      error: {
        kind: 'external',
        message: 'cannot reach the API server',
        fix: 'start the cluster',
        causes: ['connect ECONNREFUSED 127.0.0.1:6443'],
      },
    });
  });
});

describe('errors seen from a wider view', () => {
  it('keeps the kind and fix of what it restates, and does not print the restated message twice', () => {
    const inner = new UserError(
      'kustomize build /tmp/wt-123/overlays/dev failed: bad field',
      'correct the kustomization',
    );
    const outer = new ContextualError(
      'at revision origin/main: kustomize build <revision>/overlays/dev failed: bad field',
      inner,
    );
    expect(errorKind(outer)).toBe('input');
    expect(describeError(outer)).toBe(
      'error: at revision origin/main: kustomize build <revision>/overlays/dev failed: bad field\n  fix: correct the kustomization\n',
    );
    expect(outer.cause).toBe(inner);
    expect(errorKind(new ContextualError('at revision x: boom', new TypeError('boom')))).toBe('internal');
  });
});

describe('no error is recognised by its text', () => {
  it('has no `instanceof …Error && /…/.test(e.message)` in the program', async () => {
    const { readFileSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const files = execFileSync('git', ['ls-files', 'src'], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
    // The health rules reproduce Argo CD's own error texts as verdicts (caught where judged).
    const offenders = files
      .filter((f) => !f.startsWith('src/core/health/'))
      .filter((f) =>
        /\.test\(\s*\w+\.message\s*\)|\b(?:e|err|error)\.message\s*=(?!=)|throw new Error\(/.test(
          readFileSync(f, 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
