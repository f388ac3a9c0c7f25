// The report every validation stage writes into: findings (what is wrong, where, how to
// fix it), the exceptions that suppressed a policy finding, what was skipped and why,
// and the counts behind the one-line OK. Formatters (human, JSON, JUnit) read only this.

export type Stage = 'inputs' | 'freshness' | 'render' | 'schema' | 'policy' | 'budget';
export const STAGES: readonly Stage[] = ['inputs', 'freshness', 'render', 'schema', 'policy', 'budget'];

export type Severity = 'error' | 'warning';

/** The rendered object a finding is about. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface Finding {
  stage: Stage;
  severity: Severity;
  /** Stable id: a policy rule (SOMA-PSS-RESTRICTED) or a check (SCHEMA-UNKNOWN-FIELD). */
  rule: string;
  /**
   * The file a person edits to fix it: the generated file the object came from, the
   * input file, or the manifest given to --files.
   */
  file: string;
  /** 1-based line in `file` where the document starts, when known. */
  line?: number;
  object?: ObjectRef;
  /** JSON pointer of the field inside the object ('' for the whole object). */
  pointer?: string;
  message: string;
  fix?: string;
  /** Where the object was rendered: `<cluster>/<application>` (repository mode). */
  origins?: string[];
  /** Every generated file that contributes to the object (base file, overlay patch), when more than one. */
  sources?: string[];
}

/** A policy finding suppressed by the object's soma.sh/policy-exception annotation. */
export interface ExceptionUse {
  rule: string;
  file: string;
  object: ObjectRef;
  justification: string;
  /** How many findings it suppressed (0: the exception is no longer needed). */
  suppressed: number;
  origins?: string[];
}

export interface Skipped {
  what: string;
  reason: string;
}

export interface BudgetRow {
  /** Component (or 'argocd'), with where its figures come from when not a rendered Application. */
  component: string;
  note?: string;
  cpu: number;
  memory: number;
  pods: number;
}

export interface BudgetTable {
  cluster: string;
  rows: BudgetRow[];
  total: { cpu: number; memory: number };
  budget?: { cpu: number; memory: number; source: string };
}

export interface Counts {
  clusters: number;
  applications: number;
  files: number;
  objects: number;
  rules: number;
}

/** Where the schemas come from (npm packages installed with the project). */
export interface SchemaSource {
  name: string;
  version: string;
  describes: string;
}

export interface Report {
  mode: 'repository' | 'files';
  strict: boolean;
  /** --no-policy: schema only. */
  policy: boolean;
  schemas: SchemaSource[];
  findings: Finding[];
  exceptions: ExceptionUse[];
  skipped: Skipped[];
  budgets: BudgetTable[];
  counts: Counts;
  /** Every object checked, for JUnit test cases: file, object and where it was rendered. */
  checked: { file: string; object: ObjectRef; origin?: string }[];
}

export function emptyReport(mode: Report['mode'], opts: { strict: boolean; policy: boolean }): Report {
  return {
    mode,
    strict: opts.strict,
    policy: opts.policy,
    schemas: [],
    findings: [],
    exceptions: [],
    skipped: [],
    budgets: [],
    counts: { clusters: 0, applications: 0, files: 0, objects: 0, rules: 0 },
    checked: [],
  };
}

/** A kind no schema was found for offline (a custom resource whose CRD comes with a remote install), and how many objects of it went unchecked. */
export interface UncheckedKind {
  apiVersion: string;
  kind: string;
  objects: number;
}

/** The kinds validate could not schema-check (SCHEMA-UNKNOWN-KIND), so that a report never calls them valid. */
export function uncheckedKinds(r: Pick<Report, 'findings'>): UncheckedKind[] {
  const byKind = new Map<string, UncheckedKind>();
  for (const f of r.findings) {
    if (f.rule !== 'SCHEMA-UNKNOWN-KIND') continue;
    const apiVersion = f.object?.apiVersion ?? '?';
    const kind = f.object?.kind ?? '?';
    const key = `${apiVersion} ${kind}`;
    const u = byKind.get(key) ?? { apiVersion, kind, objects: 0 };
    u.objects += 1;
    byKind.set(key, u);
  }
  return [...byKind.values()].sort((a, b) => `${a.apiVersion} ${a.kind}`.localeCompare(`${b.apiVersion} ${b.kind}`));
}

/** Errors fail; warnings fail only in --strict mode. */
export function failing(report: Report): Finding[] {
  return report.findings.filter((f) => f.severity === 'error' || report.strict);
}

/**
 * 0 when clean, 1 when anything fails, 2 when an input is invalid: the run stopped at stage 1
 * and bad input is exit 2 in every command (as `generate` exits on the same cluster.yaml).
 * (Other reasons the run could not happen are errors, decided by the caller.)
 */
export function exitCode(report: Report): 0 | 1 | 2 {
  const failed = failing(report);
  if (failed.some((f) => f.stage === 'inputs' && f.severity === 'error')) return 2;
  return failed.length ? 1 : 0;
}

export function refOf(o: {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}): ObjectRef {
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const ref: ObjectRef = {};
  if (s(o.apiVersion)) ref.apiVersion = s(o.apiVersion);
  if (s(o.kind)) ref.kind = s(o.kind);
  if (s(o.metadata?.namespace)) ref.namespace = s(o.metadata?.namespace);
  if (s(o.metadata?.name)) ref.name = s(o.metadata?.name);
  return ref;
}

/** `kind/namespace/name` or `kind/name`, as reports name objects. */
export function formatRef(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  const kind = ref.kind ?? '<no kind>';
  const name = ref.name ?? '<no name>';
  return ref.namespace ? `${kind}/${ref.namespace}/${name}` : `${kind}/${name}`;
}

function identity(f: Finding): string {
  return [f.stage, f.severity, f.rule, f.file, f.line ?? '', formatRef(f.object), f.pointer ?? '', f.message].join(
    '\u0000',
  );
}

/**
 * The same base file renders into several clusters; a problem in it is one finding
 * with every place it was rendered, not one per cluster.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) {
    const id = identity(f);
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { ...f, origins: f.origins ? [...f.origins] : undefined });
      continue;
    }
    for (const o of f.origins ?? []) if (!seen.origins?.includes(o)) (seen.origins ??= []).push(o);
  }
  return [...byId.values()].sort(compareFindings);
}

export function mergeExceptions(uses: readonly ExceptionUse[]): ExceptionUse[] {
  const byId = new Map<string, ExceptionUse>();
  for (const u of uses) {
    const id = [u.rule, u.file, formatRef(u.object), u.justification].join('\u0000');
    const seen = byId.get(id);
    if (!seen) byId.set(id, { ...u, origins: u.origins ? [...u.origins] : undefined });
    else {
      seen.suppressed += u.suppressed;
      for (const o of u.origins ?? []) if (!seen.origins?.includes(o)) (seen.origins ??= []).push(o);
    }
  }
  return [...byId.values()].sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule));
}

/** Deterministic order: by file, then line, object, pointer, rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    formatRef(a.object).localeCompare(formatRef(b.object)) ||
    (a.pointer ?? '').localeCompare(b.pointer ?? '') ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}
