// Unknown fields are still found when alike objects skip the trace.
import { describe, expect, it } from 'vitest';
import { PackageSchemas } from '../../src/adapters/schemas.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { KnownFields } from '../../src/core/validate/known-fields.ts';
import { checkSchema } from '../../src/core/validate/schema.ts';
import { traceReads } from '../../src/core/validate/trace.ts';

const service = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: name, [`${name}/x`]: 'y' } },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, ...extra }] },
});

async function serviceSchema() {
  const schemas = new PackageSchemas();
  await schemas.preload([service('a')]);
  return { lookup: schemas.lookup, schema: schemas.lookup('v1', 'Service')! };
}

describe('KnownFields', () => {
  it('covers an object shaped like a clean one it learned from, and nothing with a key it never saw looked up', async () => {
    const { schema } = await serviceSchema();
    const known = new KnownFields();
    expect(known.covers(service('a'))).toBe(false);
    const trace = traceReads(service('a'));
    expect(schema.validate(trace.root)).toEqual([]);
    known.learn(trace);
    // Other names, other label keys (a map), more ports: the same places.
    const other = service('b');
    (other.spec as { ports: unknown[] }).ports.push({ name: 'metrics', port: 9090 });
    expect(known.covers(other)).toBe(true);
    // A known field it has not seen set is still known (the validator looked it up).
    expect(known.covers(service('c', { protocol: 'TCP' }))).toBe(true);
    expect(known.covers(service('d', { prot: 'TCP' }))).toBe(false);
    expect(known.covers({ ...service('e'), extra: {} })).toBe(false);
  });

  it('leaves checkSchema reporting every unknown field, with its hint, once objects skip the trace', async () => {
    const { lookup } = await serviceSchema();
    const check = (o: KubeObject) => checkSchema({ object: o, file: 'f.yaml' }, lookup).findings;
    expect(check(service('a'))).toEqual([]);
    expect(check(service('b'))).toEqual([]);
    expect(check(service('c', { targetPortt: 8080 })).map((f) => [f.rule, f.pointer, f.message])).toEqual([
      ['SCHEMA-UNKNOWN-FIELD', '/spec/ports/0/targetPortt', "unknown field 'targetPortt' (did you mean 'targetPort'?)"],
    ]);
    expect(check(service('d', { port: 'eighty' })).map((f) => f.rule)).toContain('SCHEMA-TYPE');
  });
});
