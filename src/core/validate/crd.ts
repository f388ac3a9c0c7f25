// Custom resources whose CustomResourceDefinition is part of the same render are checked
// against that CRD's openAPIV3Schema, made as strict as the API server is: unknown
// fields rejected unless the schema says x-kubernetes-preserve-unknown-fields,
// x-kubernetes-int-or-string accepting both, `nullable` accepting null. CEL rules
// (x-kubernetes-validations) need a CEL engine and are left to the API server.
// Each schema is compiled with ajv once per group/version/kind and cached.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { KubeObject } from '../kube.ts';
import type { KnownFields } from './known-fields.ts';

/** A validator for one kind, whichever package or CRD it comes from. */
export interface KindSchema {
  /** Where the schema comes from, for messages. */
  source: string;
  /** ajv-style errors; empty when valid. */
  validate(data: unknown): ErrorObject[];
  /** True when the validator leaves unknown fields open, so they are found by tracing reads (trace.ts). */
  traceUnknownFields: boolean;
  /** Fields the API has that the validator never looks up (a gap in the package): not unknown. */
  alsoKnown?: (pointer: string, key: string) => boolean;
  /** With tracing: where the fields of earlier clean objects were looked up, so alike objects skip the trace. */
  known?: KnownFields;
}

type Schema = Record<string, unknown>;

// ajv-formats is CommonJS: its module object is the plugin and also carries it as `.default`.
const addFormats = ajvFormats.default;

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({ allErrors: true, strict: false });
  addFormats(a);
  // OpenAPI formats the API server accepts without further checks here.
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'quantity', 'int-or-string'])
    a.addFormat(f, true);
  ajvInstance = a;
  return a;
}

const isObject = (v: unknown): v is Schema => !!v && typeof v === 'object' && !Array.isArray(v);

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
/** ObjectMeta, which the API server validates for every custom resource whatever its CRD says. */
const OBJECT_META: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: 'array', items: { type: 'string' } },
    ownerReferences: { type: 'array', items: { type: 'object' } },
    managedFields: { type: 'array', items: { type: 'object' } },
    creationTimestamp: { type: ['string', 'null'] },
    deletionTimestamp: { type: ['string', 'null'] },
    deletionGracePeriodSeconds: { type: 'integer' },
    generation: { type: 'integer' },
    resourceVersion: { type: 'string' },
    selfLink: { type: 'string' },
    uid: { type: 'string' },
  },
};

/** The openAPIV3Schema of a CRD version turned into a strict JSON schema (pure, no ajv). */
export function strictSchema(node: unknown, root = true): unknown {
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable' || k === 'default' || k === 'example' || k === 'externalDocs')
      continue;
    if (k === 'properties' && isObject(v))
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strictSchema(s, false)]));
    else if ((k === 'items' || k === 'additionalProperties' || k === 'not') && isObject(v))
      out[k] = strictSchema(v, false);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v))
      out[k] = v.map((s) => strictSchema(s, false));
    else out[k] = v;
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    delete out.anyOf;
    out.type = ['integer', 'string'];
  }
  if (node.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  if (root || embedded) {
    const props = (out.properties as Schema | undefined) ?? {};
    out.properties = { ...props, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: OBJECT_META };
  }
  const isObjectType = out.type === 'object' || (out.type === undefined && isObject(out.properties));
  if (isObjectType && !preserve && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export interface CrdVersionRef {
  group: string;
  version: string;
  kind: string;
  crd: string;
}

/** The served versions a CRD defines, with their schemas. */
export function crdVersions(crd: KubeObject): { ref: CrdVersionRef; schema: unknown }[] {
  const spec = crd.spec as
    | {
        group?: string;
        names?: { kind?: string };
        versions?: { name?: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }[];
      }
    | undefined;
  if (!spec?.group || !spec.names?.kind || !Array.isArray(spec.versions)) return [];
  return spec.versions
    .filter((v) => v.name && v.served !== false)
    .map((v) => ({
      ref: { group: spec.group!, version: v.name!, kind: spec.names!.kind!, crd: crd.metadata.name },
      schema: v.schema?.openAPIV3Schema,
    }));
}

export function isCrd(o: KubeObject): boolean {
  return o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/');
}

export const gvkKey = (apiVersion: string, kind: string) => `${apiVersion}/${kind}`;

const compiled = new Map<string, ValidateFunction>();

function compile(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv().compile(
      strictSchema(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Schema,
    );
    compiled.set(key, fn);
  }
  return fn;
}

/**
 * Schemas for every custom resource kind defined by a CRD among `objects`, keyed by
 * `apiVersion/kind`. Compilation is cached across renders (the same CRD renders in
 * every cluster). Returns the CRDs whose schema did not compile as problems.
 */
export function crdSchemas(objects: readonly KubeObject[]): {
  schemas: Map<string, KindSchema>;
  problems: { crd: KubeObject; message: string }[];
} {
  const schemas = new Map<string, KindSchema>();
  const problems: { crd: KubeObject; message: string }[] = [];
  for (const crd of objects.filter(isCrd)) {
    for (const { ref, schema } of crdVersions(crd)) {
      try {
        const fn = compile(schema);
        schemas.set(gvkKey(`${ref.group}/${ref.version}`, ref.kind), {
          source: `CustomResourceDefinition ${ref.crd} (same render)`,
          traceUnknownFields: false,
          validate: (data) => (fn(data) ? [] : [...(fn.errors ?? [])]),
        });
      } catch (e) {
        problems.push({
          crd,
          message: `openAPIV3Schema of version ${ref.version} does not compile: ${(e as Error).message}`,
        });
      }
    }
  }
  return { schemas, problems };
}
