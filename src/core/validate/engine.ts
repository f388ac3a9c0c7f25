// Schema + policy over a set of objects: the part shared by `validate` on the repository
// (one call per cluster render), `validate --files`, and the benchmark. Pure: the caller
// has already loaded the package validators (adapters/schemas.ts) into `lookup`.
import type { ObjectItem } from './documents.ts';
import { type KindSchema, crdSchemas, gvkKey, isCrd } from './crd.ts';
import { type PolicyContext, runPolicy } from './policy/index.ts';
import { removedApi } from './removed-apis.ts';
import { type ExceptionUse, type Finding, refOf } from './report.ts';
import { type SchemaLookup, checkSchema } from './schema.ts';

export interface CheckOptions {
  policy: boolean;
  ctx: PolicyContext;
}

export interface CheckResult {
  findings: Finding[];
  exceptions: ExceptionUse[];
  /** Policy rules that ran. */
  rules: number;
}

/** Prefers a CRD rendered alongside (what the cluster will have) over a package schema. */
export function withCrds(
  items: readonly ObjectItem[],
  lookup: SchemaLookup,
): { lookup: SchemaLookup; findings: Finding[] } {
  const crds = items.filter((i) => isCrd(i.object));
  if (!crds.length) return { lookup, findings: [] };
  const { schemas, problems } = crdSchemas(crds.map((i) => i.object));
  const findings: Finding[] = problems.map((p) => {
    const item = crds.find((i) => i.object === p.crd)!;
    return {
      stage: 'schema',
      severity: 'error',
      rule: 'SCHEMA-INVALID',
      file: item.file,
      line: item.line,
      object: refOf(p.crd),
      pointer: '/spec/versions',
      message: p.message,
      fix: 'fix the openAPIV3Schema of the CRD',
      origins: item.origin ? [item.origin] : undefined,
    };
  });
  const combined: SchemaLookup = (apiVersion, kind): KindSchema | undefined =>
    schemas.get(gvkKey(apiVersion, kind)) ?? lookup(apiVersion, kind);
  return { lookup: combined, findings };
}

function removedApiFinding(item: ObjectItem): Finding | undefined {
  const r = removedApi(item.object.apiVersion, item.object.kind);
  if (!r) return undefined;
  return {
    stage: 'schema',
    severity: 'error',
    rule: 'SCHEMA-REMOVED-API',
    file: item.file,
    line: item.line,
    object: refOf(item.object),
    pointer: '/apiVersion',
    message: `${item.object.apiVersion} ${item.object.kind} was removed in Kubernetes ${r.removedIn}; the clusters run a newer version`,
    fix: `use ${r.use}`,
    origins: item.origin ? [item.origin] : undefined,
    sources: item.sources,
  };
}

/** Every schema and policy finding for these objects, all at once. */
export function checkItems(items: readonly ObjectItem[], lookup: SchemaLookup, opts: CheckOptions): CheckResult {
  const crd = withCrds(items, lookup);
  const findings: Finding[] = [...crd.findings];
  for (const item of items) {
    const removed = removedApiFinding(item);
    if (removed) findings.push(removed);
    else findings.push(...checkSchema(item, crd.lookup).findings);
  }
  if (!opts.policy) return { findings, exceptions: [], rules: 0 };
  const policy = runPolicy(items, opts.ctx);
  return { findings: [...findings, ...policy.findings], exceptions: policy.exceptions, rules: policy.rules };
}
