// Stage 4, schema: every object against the schema of its kind — strict like
// kubeconform --strict: unknown fields are errors (traced for the package validators,
// additionalProperties:false for CRD schemas), every problem of an object reported at
// once with its JSON pointer, a sentence a person can act on, and a fix.
import type { ErrorObject } from 'ajv';
import { type ObjectItem, isBuildConfig, lineFor } from './documents.ts';
import { type KindSchema, gvkKey } from './crd.ts';
import { type Finding, refOf } from './report.ts';
import { closest, escapePointer, traceReads, unknownFields } from './trace.ts';

/** Looks up the schema of a kind; undefined when none is known (no package schema, no CRD). */
export type SchemaLookup = (apiVersion: string, kind: string) => KindSchema | undefined;

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  return `${typeof v} ${String(v)}`;
}

interface Issue {
  rule: string;
  pointer: string;
  message: string;
  fix?: string;
}

/** Alternatives (oneOf/anyOf) reported once at their pointer: "must be integer or string". */
function alternatives(errors: ErrorObject[], pointer: string, value: unknown): Issue {
  const kinds = new Set<string>();
  for (const e of errors) {
    if (e.instancePath !== pointer) continue;
    if (e.keyword === 'type') kinds.add(String((e.params as { type: string }).type));
    if (e.keyword === 'format') kinds.add(`string in format '${(e.params as { format: string }).format}'`);
  }
  const expected = kinds.size ? [...kinds].join(' or ') : 'one of the allowed shapes';
  const quantity = [...kinds].some((k) => k.includes('quantity'));
  return {
    rule: 'SCHEMA-TYPE',
    pointer,
    message: `is ${show(value)}; expected ${expected}`,
    fix: quantity ? 'write a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi' : undefined,
  };
}

function describe(e: ErrorObject, root: unknown): Issue {
  const value = valueAt(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const key = String(p.missingProperty);
      return {
        rule: 'SCHEMA-REQUIRED',
        pointer: `${e.instancePath}/${escapePointer(key)}`,
        message: `'${key}' is required`,
        fix: `add '${key}'`,
      };
    }
    case 'type':
      return { rule: 'SCHEMA-TYPE', pointer: e.instancePath, message: `is ${show(value)}; expected ${String(p.type)}` };
    case 'enum':
      return {
        rule: 'SCHEMA-ENUM',
        pointer: e.instancePath,
        message: `${show(value)} is not allowed`,
        fix: `use one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'format':
      return {
        rule: 'SCHEMA-FORMAT',
        pointer: e.instancePath,
        message: `${show(value)} is not a valid ${String(p.format)}`,
      };
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return {
        rule: 'SCHEMA-UNKNOWN-FIELD',
        pointer: `${e.instancePath}/${escapePointer(key)}`,
        message: `unknown field '${key}'`,
        fix: 'remove it or correct its name; the API server rejects fields its schema does not define',
      };
    }
    default:
      return {
        rule: 'SCHEMA-INVALID',
        pointer: e.instancePath,
        message: `${show(value)} ${e.message ?? 'is invalid'}`,
      };
  }
}

/** Turns ajv errors into one issue per problem: alternatives collapse, duplicates go. */
export function describeErrors(errors: readonly ErrorObject[], root: unknown): Issue[] {
  const list = [...errors];
  const altPointers = new Set(
    list.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath),
  );
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const e of list) {
    let issue: Issue;
    if (altPointers.has(e.instancePath)) {
      if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'type' && e.keyword !== 'format')
        issue = describe(e, root);
      else issue = alternatives(list, e.instancePath, valueAt(root, e.instancePath));
    } else issue = describe(e, root);
    const id = `${issue.rule}\u0000${issue.pointer}\u0000${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return issues;
}

export interface SchemaCheckResult {
  findings: Finding[];
  /** False when no schema was found for the kind. */
  known: boolean;
}

/** Checks one object against its kind's schema. */
export function checkSchema(item: ObjectItem, lookup: SchemaLookup): SchemaCheckResult {
  const o = item.object;
  const base = {
    stage: 'schema' as const,
    file: item.file,
    line: item.line,
    object: refOf(o),
    origins: item.origin ? [item.origin] : undefined,
    sources: item.sources,
  };
  if (isBuildConfig(o.apiVersion)) return { findings: [], known: true };
  const schema = lookup(o.apiVersion, o.kind);
  if (!schema) {
    return {
      known: false,
      findings: [
        {
          ...base,
          severity: 'warning',
          rule: 'SCHEMA-UNKNOWN-KIND',
          pointer: '',
          message: `no schema for ${gvkKey(o.apiVersion, o.kind)}: not a built-in Kubernetes or Argo CD kind, and no CustomResourceDefinition for it in the same render`,
          fix: 'check apiVersion and kind for typos; for a custom resource, render its CRD with it (--strict makes this an error)',
        },
      ],
    };
  }
  // An object shaped like earlier clean ones of its kind needs no trace (known-fields.ts).
  const trace = schema.traceUnknownFields && !schema.known?.covers(o) ? traceReads(o) : undefined;
  const errors = schema.validate(trace ? trace.root : o);
  const issues = describeErrors(errors, o);
  if (trace) {
    if (!errors.length) schema.known?.learn(trace);
    for (const u of unknownFields(trace, schema.alsoKnown)) {
      const near = closest(u.key, u.known);
      issues.push({
        rule: 'SCHEMA-UNKNOWN-FIELD',
        pointer: u.pointer,
        message: `unknown field '${u.key}'${near ? ` (did you mean '${near}'?)` : ''}`,
        fix: near ? `rename it to '${near}'` : `remove it; fields allowed here: ${u.known.join(', ')}`,
      });
    }
  }
  return {
    known: true,
    findings: issues.map((i) => ({ ...base, severity: 'error' as const, ...i, line: lineFor(item, i.pointer) })),
  };
}
