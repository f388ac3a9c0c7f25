import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { closest, traceReads, unknownFields } from '../../src/core/validate/trace.ts';

// A validator compiled the way the schema packages compile theirs: properties declared,
// additionalProperties left open, one map and one free-form object.
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  properties: {
    name: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    raw: { type: 'object' },
    items: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer' } } } },
  },
});

function unknown(value: unknown): string[] {
  const trace = traceReads(value);
  validate(trace.root);
  return unknownFields(trace).map((u) => u.pointer);
}

describe('unknown-field tracing', () => {
  it('reports keys the validator never looks up, at any depth, with JSON pointers', () => {
    expect(unknown({ name: 'a', nmae: 'b', items: [{ port: 1 }, { prot: 2 }] })).toEqual(['/nmae', '/items/1/prot']);
  });

  it('accepts every key of a map (the validator enumerates it) and of a free-form object (it looks at none)', () => {
    expect(unknown({ labels: { 'a/b': 'c', d: 'e' }, raw: { anything: { deep: [1] } } })).toEqual([]);
  });

  it('escapes pointer segments', () => {
    expect(unknown({ name: 'a', 'we/ird~key': 1 })).toEqual(['/we~1ird~0key']);
  });

  it('never changes the object it checks', () => {
    const value = { name: 'a', labels: { x: 'y' } };
    const trace = traceReads(value);
    expect(() => Object.assign(trace.root as object, { name: 'b' })).toThrow(TypeError);
    expect(value).toEqual({ name: 'a', labels: { x: 'y' } });
  });

  it('suggests the closest known name only when it is close', () => {
    expect(closest('replica', ['replicas', 'selector'])).toBe('replicas');
    expect(closest('ImagePullPolicy', ['imagePullPolicy'])).toBe('imagePullPolicy');
    expect(closest('colour', ['replicas', 'selector'])).toBeUndefined();
  });
});
