// The floor of `validate --files` in `npm run bench`: the same objects' schema check alone,
// as its own process — read the files, parse them with the fastest YAML parser among the
// dependencies, and run each object through its kind's package validator. No unknown-field
// tracing, no policy, no line numbers, no report: what a check could cost at least.
import { readFile } from 'node:fs/promises';
import { loadAll } from 'js-yaml';
import { PackageSchemas } from '../../src/adapters/schemas.ts';
import type { KubeObject } from '../../src/core/kube.ts';

const objects: KubeObject[] = [];
for (const file of process.argv.slice(2))
  for (const doc of loadAll(await readFile(file, 'utf8'))) if (doc) objects.push(doc as KubeObject);
const schemas = new PackageSchemas();
await schemas.preload(objects);
let errors = 0;
for (const o of objects) errors += schemas.lookup(o.apiVersion, o.kind)?.validate(o).length ?? 0;
process.stdout.write(`${objects.length} objects, ${errors} schema errors\n`);
