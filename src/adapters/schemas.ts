// Loads the schema validators of built-in kinds from the npm packages installed with
// the project — nothing is downloaded at validate time:
//   kubernetes-models           — Kubernetes API (OpenAPI of Kubernetes 1.36), compiled with ajv
//   @kubernetes-models/argo-cd  — Argo CD Application, AppProject, ApplicationSet (API types of Argo CD v3.3)
// Both ship validators compiled from the upstream OpenAPI documents. Those documents
// leave additionalProperties open, so unknown fields are found by tracing which
// fields the validator looks up (core/validate/trace.ts). One module per kind is
// imported on first use and cached for the process.
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { type KindSchema, gvkKey } from '../core/validate/crd.ts';
import { KnownFields } from '../core/validate/known-fields.ts';
import type { SchemaLookup } from '../core/validate/schema.ts';

export interface SchemaPackage {
  name: string;
  /** Exact installed version, read from the package. */
  version: string;
  /** What the schemas describe. */
  describes: string;
}

const KUBERNETES = {
  name: 'kubernetes-models',
  describes: 'Kubernetes 1.36 API (OpenAPI, with APIs removed since kept for old manifests)',
};
const ARGOCD = {
  name: '@kubernetes-models/argo-cd',
  describes: 'Argo CD v3.3 API types (Application, AppProject, ApplicationSet)',
};

const API_VERSION =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Fields the packages' generator dropped from the compiled validators while they are
 * in the API (its pass that strips `description` keys also strips properties named
 * `description`, and `x-kubernetes-*` properties of JSONSchemaProps). The validators
 * never look them up, so tracing would call them unknown; they are allowed where the
 * API has them. test/validate/schema-packages.test.ts finds every such gap in the
 * installed packages and fails when this table misses one.
 */
const DROPPED_FIELDS: readonly { apiVersion: RegExp; kind: string; at: RegExp; key: RegExp }[] = [
  { apiVersion: /^scheduling\.k8s\.io\//, kind: 'PriorityClass', at: /^$/, key: /^description$/ },
  {
    apiVersion: /^apiextensions\.k8s\.io\//,
    kind: 'CustomResourceDefinition',
    at: /^\/spec\/(versions\/\d+\/)?(schema|validation)\/openAPIV3Schema(\/.*)?$/,
    key: /^(description|x-kubernetes-[a-z-]+)$/,
  },
  {
    apiVersion: /^apiextensions\.k8s\.io\//,
    kind: 'CustomResourceDefinition',
    at: /^\/spec\/(versions\/\d+\/)?additionalPrinterColumns\/\d+$/,
    key: /^description$/,
  },
  {
    apiVersion: /^argoproj\.io\//,
    kind: 'AppProject',
    at: /^\/spec(\/(roles|syncWindows)\/\d+)?$/,
    key: /^description$/,
  },
];

function droppedFields(apiVersion: string, kind: string): ((pointer: string, key: string) => boolean) | undefined {
  const rules = DROPPED_FIELDS.filter((d) => d.kind === kind && d.apiVersion.test(apiVersion));
  if (!rules.length) return undefined;
  return (pointer, key) => rules.some((d) => d.at.test(pointer) && d.key.test(key));
}

interface ModelClass {
  apiVersion?: string;
  kind?: string;
  prototype: { validate(this: unknown): void };
}

function moduleFor(apiVersion: string, kind: string): { pkg: string; specifier: string } | undefined {
  // apiVersion and kind come from the files being checked: only plain names reach import().
  if (!API_VERSION.test(apiVersion) || !KIND.test(kind)) return undefined;
  const pkg = apiVersion.startsWith('argoproj.io/') ? ARGOCD.name : KUBERNETES.name;
  return { pkg, specifier: `${pkg}/${apiVersion}/${kind}` };
}

function packageDir(name: string): string {
  return dirname(fileURLToPath(import.meta.resolve(name)));
}

/** Each model is a file <group>/<version>/<Kind>.js in its package: look before importing. */
async function hasModel(pkg: string, apiVersion: string, kind: string): Promise<boolean> {
  return stat(join(packageDir(pkg), apiVersion, `${kind}.js`)).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function loadKind(apiVersion: string, kind: string): Promise<KindSchema | undefined> {
  const where = moduleFor(apiVersion, kind);
  if (!where || !(await hasModel(where.pkg, apiVersion, kind))) return undefined;
  const mod = (await import(where.specifier)) as Record<string, unknown>;
  const cls = mod[kind] as ModelClass | undefined;
  // A file name that matches case-insensitively is not the kind: compare exactly.
  if (!cls || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
  return {
    source: where.pkg,
    traceUnknownFields: true,
    alsoKnown: droppedFields(apiVersion, kind),
    known: new KnownFields(),
    validate(data: unknown): ErrorObject[] {
      try {
        // The model's validate() runs its compiled validator on `this` and throws ajv's ValidationError.
        cls.prototype.validate.call(data);
        return [];
      } catch (e) {
        const errors = (e as { errors?: ErrorObject[] }).errors;
        if (Array.isArray(errors)) return errors;
        throw e;
      }
    },
  };
}

/** Package validators, loaded per kind on demand and kept for the process. */
export class PackageSchemas {
  readonly #cache = new Map<string, KindSchema | undefined>();

  /** Imports the validators of these kinds (call before the synchronous checks). */
  async preload(kinds: Iterable<{ apiVersion: string; kind: string }>): Promise<void> {
    const todo = new Map<string, { apiVersion: string; kind: string }>();
    for (const k of kinds) {
      const key = gvkKey(k.apiVersion, k.kind);
      if (!this.#cache.has(key)) todo.set(key, k);
    }
    await Promise.all([...todo].map(async ([key, k]) => this.#cache.set(key, await loadKind(k.apiVersion, k.kind))));
  }

  /** The validator of a preloaded kind; undefined when the packages do not know it. */
  readonly lookup: SchemaLookup = (apiVersion, kind) => this.#cache.get(gvkKey(apiVersion, kind));
}

async function packageVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(packageDir(name), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The schema packages and their installed versions, for reports and docs. */
export async function schemaPackages(): Promise<SchemaPackage[]> {
  return Promise.all([KUBERNETES, ARGOCD].map(async (p) => ({ ...p, version: await packageVersion(p.name) })));
}
