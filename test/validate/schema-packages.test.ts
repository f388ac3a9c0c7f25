// Guards the choice of schema packages: which versions are installed, and every field
// their compiled validators never look up although the API has it (so tracing would
// call it unknown). A package upgrade that adds such a gap fails here until
// DROPPED_FIELDS in src/adapters/schemas.ts covers it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaPackages } from '../../src/adapters/schemas.ts';
import { checkObjects } from './helpers.ts';

function packageDir(name: string): string {
  return dirname(fileURLToPath(import.meta.resolve(name)));
}

function* modelFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== '_schemas') yield* modelFiles(join(dir, e.name));
    else if (e.name.endsWith('.d.ts') && e.name !== 'index.d.ts') yield join(dir, e.name);
  }
}

/** `<model file>: <property>` for every declared property its compiled validator never reads. */
function gaps(pkg: string): string[] {
  const root = packageDir(pkg);
  const out: string[] = [];
  for (const file of modelFiles(root)) {
    const dts = readFileSync(file, 'utf8');
    const schema = /export type \{ I\w+ as I(\w+),/.exec(dts)?.[1];
    const body = /export interface I\w+ (?:extends [^{]*)?\{([\s\S]*?)\n\}/.exec(dts)?.[1];
    if (!schema || !body) continue;
    const code = readFileSync(join(root, '_schemas', `${schema}.js`), 'utf8');
    const read = new Set(
      [...code.matchAll(/data\.([A-Za-z_$][\w$]*)/g), ...code.matchAll(/data\["([^"]+)"\]/g)].map((m) => m[1]!),
    );
    for (const m of body.matchAll(/^ {4}"([^"]+)"\??:/gm)) {
      if (!read.has(m[1]!)) out.push(`${relative(root, file)}: ${m[1]}`);
    }
  }
  return out.sort();
}

describe('schema packages', () => {
  it('are the pinned versions the docs name', async () => {
    expect((await schemaPackages()).map((p) => `${p.name}@${p.version}`)).toEqual([
      'kubernetes-models@5.1.0',
      '@kubernetes-models/argo-cd@4.0.0',
    ]);
  });

  it('drop only the fields DROPPED_FIELDS allows back', () => {
    const xk = [
      'embedded-resource',
      'int-or-string',
      'list-map-keys',
      'list-type',
      'map-type',
      'preserve-unknown-fields',
    ];
    const schemaProps = (v: string, validations: boolean) => [
      `apiextensions.k8s.io/${v}/JSONSchemaProps.d.ts: description`,
      ...xk.map((x) => `apiextensions.k8s.io/${v}/JSONSchemaProps.d.ts: x-kubernetes-${x}`),
      ...(validations ? [`apiextensions.k8s.io/${v}/JSONSchemaProps.d.ts: x-kubernetes-validations`] : []),
    ];
    expect(gaps('kubernetes-models')).toEqual(
      [
        'apiextensions.k8s.io/v1/CustomResourceColumnDefinition.d.ts: description',
        'apiextensions.k8s.io/v1/ExternalDocumentation.d.ts: description',
        ...schemaProps('v1', true),
        'apiextensions.k8s.io/v1beta1/CustomResourceColumnDefinition.d.ts: description',
        'apiextensions.k8s.io/v1beta1/ExternalDocumentation.d.ts: description',
        ...schemaProps('v1beta1', false),
        'scheduling.k8s.io/v1/PriorityClass.d.ts: description',
        'scheduling.k8s.io/v1beta1/PriorityClass.d.ts: description',
      ].sort(),
    );
    expect(gaps('@kubernetes-models/argo-cd')).toEqual([
      'argoproj.io/v1alpha1/AppProjectSpec.d.ts: description',
      'argoproj.io/v1alpha1/ProjectRole.d.ts: description',
      'argoproj.io/v1alpha1/SyncWindow.d.ts: description',
    ]);
  });

  it('accept the dropped fields where the API has them, and only there', async () => {
    const priority = {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'p', description: 'no' },
      value: 10,
      description: 'yes',
    };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ws.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { kind: 'W', plural: 'ws' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size', description: 'yes' }],
            schema: {
              openAPIV3Schema: {
                type: 'object',
                description: 'yes',
                properties: {
                  spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'yes' },
                },
              },
            },
          },
        ],
      },
    };
    const r = await checkObjects([priority, crd], { mode: 'files' }, false);
    expect(r.findings.map((f) => `${f.rule} ${f.pointer}`)).toEqual(['SCHEMA-UNKNOWN-FIELD /metadata/description']);
  });
});
