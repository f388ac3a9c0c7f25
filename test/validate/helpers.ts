// Shared by the validate tests: fixture paths, running the engine on objects or files,
// and picking findings by rule and object.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PackageSchemas } from '../../src/adapters/schemas.ts';
import { checkFiles } from '../../src/commands/validate/files.ts';
import type { KubeObject } from '../../src/core/kube.ts';
import { type ObjectItem, parseManifests } from '../../src/core/validate/documents.ts';
import { checkItems } from '../../src/core/validate/engine.ts';
import type { PolicyContext } from '../../src/core/validate/policy/index.ts';
import type { Finding, Report } from '../../src/core/validate/report.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/validate/', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function fixtureObjects(rel: string): KubeObject[] {
  return parseManifests(rel, readFileSync(`${FIXTURES}${rel}`, 'utf8')).items.map((i) => i.object);
}

/** A deep copy, so a test can break one field without touching the others. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

export async function checkFixture(
  rel: string,
  opts: { policy?: boolean; strict?: boolean; allowEmpty?: boolean } = {},
): Promise<Report> {
  return checkFiles(FIXTURES, [rel], {
    policy: opts.policy ?? false,
    strict: opts.strict ?? false,
    allowEmpty: opts.allowEmpty,
  });
}

export async function checkObjects(objects: KubeObject[], ctx: PolicyContext = { mode: 'files' }, policy = true) {
  const items: ObjectItem[] = objects.map((object) => ({ object, file: 'test.yaml' }));
  const schemas = new PackageSchemas();
  await schemas.preload(objects);
  return checkItems(items, schemas.lookup, { policy, ctx });
}

export function byRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export function named(findings: readonly Finding[], name: string): Finding[] {
  return findings.filter((f) => f.object?.name === name);
}

/** Rule, object name and pointer of each finding, sorted: what most assertions compare. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.object?.name ?? '-'} ${f.pointer ?? ''}`).sort();
}
