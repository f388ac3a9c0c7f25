// From manifest text to the objects to check: multi-document YAML or JSON, strict
// (duplicate keys are errors), empty and comment-only documents skipped, `List`
// expanded, and a missing apiVersion/kind reported for that document only.
import type { KubeObject } from '../kube.ts';
import { parseYamlStream } from '../yaml.ts';
import { type Finding, refOf } from './report.ts';

/** One object to check, with where it came from. */
export interface ObjectItem {
  object: KubeObject;
  /** The file a person edits (a generated file, or the manifest given to --files). */
  file: string;
  /** 1-based line of the document in `file`, when the object was read from it. */
  line?: number;
  /** The line of a field (JSON pointer into the object), when the object was read from a file. */
  lineAt?: (pointer: string) => number | undefined;
  /** `<cluster>/<application>` in repository mode. */
  origin?: string;
  /** Every generated file that contributes to the object, when known. */
  sources?: string[];
}

export interface ParsedManifests {
  items: ObjectItem[];
  findings: Finding[];
  /** Documents that held nothing (empty or comments only). */
  empty: number;
  /** Build-tool configuration (a kustomization), not a cluster object. */
  ignored: number;
}

/** Kinds that configure build tools rather than describe cluster objects: not checked, not reported as unknown. */
export function isBuildConfig(apiVersion: unknown): boolean {
  return (
    typeof apiVersion === 'string' &&
    (apiVersion.startsWith('kustomize.config.k8s.io/') || apiVersion.startsWith('config.kubernetes.io/'))
  );
}

function lineOf(message: string, fallback: number): number {
  const m = /at line (\d+)/.exec(message);
  return m ? Number(m[1]) : fallback;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim().replace(/:$/, '');
}

/** The YAML parser's message quotes the offending line above a caret; for a duplicate key, name the key. */
function duplicateKey(message: string): string | undefined {
  const lines = message.split('\n');
  const caret = lines.findIndex((l) => /^\s*\^+\s*$/.test(l));
  const source = caret > 0 ? lines[caret - 1] : undefined;
  return source ? /^\s*(?:-\s+)?["']?([^"':]+)["']?\s*:/.exec(source)?.[1]?.trim() : undefined;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A list kind (`List`, `DeploymentList`, …) carrying its objects in `items`. */
export function isListObject(v: Record<string, unknown>): boolean {
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

/** Checks the type metadata every object needs; returns the findings (empty when fine). */
export function typeMetaFindings(v: Record<string, unknown>, file: string, line: number): Finding[] {
  const out: Finding[] = [];
  const object = refOf(v as never);
  const at = (pointer: string, message: string, fix: string) =>
    out.push({
      stage: 'schema',
      severity: 'error',
      rule: 'SCHEMA-TYPE-META',
      file,
      line,
      object,
      pointer,
      message,
      fix,
    });
  if (typeof v.apiVersion !== 'string' || !v.apiVersion) {
    at(
      '/apiVersion',
      "has no 'apiVersion'",
      'add apiVersion (e.g. v1, apps/v1): without it no schema applies and the API server rejects the object',
    );
  }
  if (typeof v.kind !== 'string' || !v.kind) {
    at(
      '/kind',
      "has no 'kind'",
      'add kind (e.g. Deployment): without it no schema applies and the API server rejects the object',
    );
  }
  const meta = v.metadata;
  if (!isMapping(meta)) {
    at('/metadata', "has no 'metadata'", 'add metadata with at least a name');
  } else if (typeof meta.name !== 'string' && typeof meta.generateName !== 'string') {
    at('/metadata/name', "'metadata.name' is required", 'give the object a name');
  }
  return out;
}

/** The line of a finding's field when known, else the object's document line. */
export function lineFor(item: ObjectItem | undefined, pointer: string | undefined): number | undefined {
  return (pointer !== undefined ? item?.lineAt?.(pointer) : undefined) ?? item?.line;
}

type LineAt = (pointer: string) => number | undefined;

function pushObject(
  out: ParsedManifests,
  v: Record<string, unknown>,
  file: string,
  line: number,
  lineAt?: LineAt,
): void {
  if (isBuildConfig(v.apiVersion)) {
    out.ignored++;
    return;
  }
  const problems = typeMetaFindings(v, file, line);
  if (problems.length) {
    out.findings.push(...problems);
    return;
  }
  out.items.push({ object: v as unknown as KubeObject, file, line, lineAt });
}

/** A document yaml could not read: a duplicate key, an alias bomb, or a syntax error. */
function yamlFinding(file: string, index: number, docLine: number, e: string): Finding {
  const duplicate = /unique/i.test(e);
  const key = duplicate ? duplicateKey(e) : undefined;
  const line = lineOf(e, docLine);
  const base = { stage: 'schema' as const, severity: 'error' as const, file, line };
  if (key)
    return {
      ...base,
      rule: 'YAML-DUPLICATE-KEY',
      message: `document ${index + 1}: duplicate key '${key}' (line ${line})`,
      fix: 'remove one of the two keys: the API server would silently keep only the last one',
    };
  if (/alias bomb/.test(e))
    return {
      ...base,
      rule: 'YAML-ALIAS-BOMB',
      message: `document ${index + 1}: ${e}`,
      fix: 'write the repeated content out, or repeat one anchor fewer times (the other documents in the file were still checked)',
    };
  return {
    ...base,
    rule: duplicate ? 'YAML-DUPLICATE-KEY' : 'YAML-SYNTAX',
    message: `document ${index + 1}: ${firstLine(e)}`,
    fix: 'fix the YAML syntax (the other documents in the file were still checked)',
  };
}

/** Parses one manifest file. Pure: the caller reads the text. */
export function parseManifests(file: string, text: string): ParsedManifests {
  const out: ParsedManifests = { items: [], findings: [], empty: 0, ignored: 0 };
  for (const doc of parseYamlStream(text)) {
    if (doc.errors.length) {
      for (const e of doc.errors) {
        out.findings.push(yamlFinding(file, doc.index, doc.line, e));
      }
      continue;
    }
    const v = doc.value;
    if (v === null || v === undefined) {
      out.empty++;
      continue;
    }
    if (!isMapping(v)) {
      out.findings.push({
        stage: 'schema',
        severity: 'error',
        rule: 'SCHEMA-TYPE-META',
        file,
        line: doc.line,
        message: `document ${doc.index + 1} is a ${Array.isArray(v) ? 'sequence' : typeof v}, not a Kubernetes object`,
        fix: 'each YAML document must be one mapping with apiVersion, kind and metadata',
      });
      continue;
    }
    if (isListObject(v)) {
      (v.items as unknown[]).forEach((item, i) => {
        if (isMapping(item))
          pushObject(out, item, file, doc.lineAt(`/items/${i}`) ?? doc.line, (p) => doc.lineAt(`/items/${i}${p}`));
        else
          out.findings.push({
            stage: 'schema',
            severity: 'error',
            rule: 'SCHEMA-TYPE-META',
            file,
            line: doc.line,
            pointer: `/items/${i}`,
            message: 'list item is not an object',
            fix: 'every item of a List must be a Kubernetes object',
          });
      });
      continue;
    }
    pushObject(out, v, file, doc.line, doc.lineAt);
  }
  return out;
}
