// `npm run validate -- --files <path…>`: schema and policy checks on any manifests
// (files or directories of .yaml/.yml/.json, multi-document, List), like kubeconform.
// The repository-wide rules (network policy coverage, service contracts, budget) need
// this repository's render and are off here. CRDs among the files count as "the same
// render" for the custom resources next to them.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { PackageSchemas, schemaPackages } from '../../adapters/schemas.ts';
import { UserError } from '../../core/errors.ts';
import { type ObjectItem, parseManifests } from '../../core/validate/documents.ts';
import { checkItems } from '../../core/validate/engine.ts';
import { type Report, emptyReport, mergeExceptions, mergeFindings, refOf } from '../../core/validate/report.ts';

const MANIFEST = /\.(ya?ml|json)$/i;

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (MANIFEST.test(e.name)) out.push(p);
  }
}

/** The manifest files named by the arguments; a missing path is an error before anything is checked. */
export async function expandPaths(cwd: string, paths: readonly string[]): Promise<string[]> {
  if (!paths.length)
    throw new UserError(
      '--files needs at least one file or directory',
      'e.g. npm run validate -- --files manifests/ deploy.yaml',
    );
  const out: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const s = await stat(abs).catch(() => undefined);
    if (!s) missing.push(p);
    else if (s.isDirectory()) await walk(abs, out);
    else out.push(abs);
  }
  if (missing.length)
    throw new UserError(
      `not found: ${missing.join(', ')}`,
      'check the paths (they are relative to the current directory)',
    );
  return [...new Set(out)];
}

/**
 * Nothing to check is an error, not "OK — 0 objects": a CI step pointed at the wrong folder
 * (one with no YAML, or a kustomization not yet built) must fail.
 */
function noObjects(paths: readonly string[], files: number, ignored: number): UserError {
  const what = !files
    ? 'no .yaml, .yml or .json file'
    : ignored
      ? `${files} file(s), only build configuration (kustomization)`
      : `${files} file(s), no object in them`;
  const fix = ignored
    ? `render the kustomization first (\`kubectl kustomize ${paths[0]} > rendered.yaml\`) and check that file, or pass --allow-empty if nothing is expected`
    : 'point --files at the manifests, or pass --allow-empty if an empty set is expected';
  return new UserError(`no Kubernetes objects to check in ${paths.join(', ')}: ${what}`, fix);
}

export async function checkFiles(
  cwd: string,
  paths: readonly string[],
  opts: { strict: boolean; policy: boolean; allowEmpty?: boolean },
): Promise<Report> {
  const files = await expandPaths(cwd, paths);
  const report = emptyReport('files', opts);
  report.schemas = await schemaPackages();
  const items: ObjectItem[] = [];
  // A kustomization is kustomize's input, not a manifest: it would read as an object with
  // no kind and no name. It is listed as skipped; render it to check its output.
  const isKustomization = (f: string) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f);
  for (const abs of files.filter(isKustomization)) {
    report.skipped.push({
      what: relative(cwd, abs) || abs,
      reason: 'a kustomization, not a manifest: render it (kubectl kustomize <dir>) and check the output',
    });
  }
  let ignored = report.skipped.length;
  for (const abs of files.filter((f) => !isKustomization(f))) {
    // Shown as the user would type it: relative when under the current directory, else absolute.
    const rel = relative(cwd, abs);
    const name = rel && !rel.startsWith('..') ? rel : abs;
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read ${name}: ${(e as Error).message}`, 'check the file permissions');
    }
    const parsed = parseManifests(name, text);
    report.findings.push(...parsed.findings);
    items.push(...parsed.items);
    ignored += parsed.ignored;
  }
  if (!items.length && !report.findings.length && !opts.allowEmpty) throw noObjects(paths, files.length, ignored);
  const schemas = new PackageSchemas();
  await schemas.preload(items.map((i) => i.object));
  const result = checkItems(items, schemas.lookup, { policy: opts.policy, ctx: { mode: 'files' } });
  report.findings = mergeFindings([...report.findings, ...result.findings]);
  report.exceptions = mergeExceptions(result.exceptions);
  report.counts = { clusters: 0, applications: 0, files: files.length, objects: items.length, rules: result.rules };
  report.checked = items.map((i) => ({ file: i.file, object: refOf(i.object) }));
  return report;
}
