// `npm run validate` on the repository: inputs → freshness → render (real kustomize,
// bounded parallelism) → schema → policy → budget, every finding collected before the
// verdict. Files and programs come through Deps, so tests can drive each stage.
import { gitServerPath } from '../../core/git-server.ts';
import { type AppSource, type RenderedApp, defaultConcurrency } from '../../adapters/render.ts';
import { KustomizeError } from '../../adapters/kustomize.ts';
import { PackageSchemas, schemaPackages } from '../../adapters/schemas.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { ConfigError, InvalidYamlError, isExpectedError, UserError } from '../../core/errors.ts';
import { rootAppPath } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import { objectSources } from '../../core/provenance.ts';
import { type BudgetGroup, buildBudget } from '../../core/validate/budget.ts';
import { remotePatchBudget } from './remote-budget.ts';
import { type ObjectItem, parseManifests } from '../../core/validate/documents.ts';
import { checkItems, withCrds } from '../../core/validate/engine.ts';
import { isCrd } from '../../core/validate/crd.ts';
import { healthRulesFinding } from '../../core/validate/health-rules.ts';
import {
  type Finding,
  type Report,
  emptyReport,
  mergeExceptions,
  mergeFindings,
  refOf,
} from '../../core/validate/report.ts';
import type { Deps } from '../../cli/deps.ts';
import type { Progress } from './progress.ts';

export interface RepositoryOptions {
  cluster?: string;
  strict: boolean;
  policy: boolean;
  concurrency?: number;
  progress?: Progress;
  /** Render the pinned upstream installs too (network), so their CRDs check the custom resources. */
  fetchUpstream?: boolean;
}

/** What the pipeline reads or runs: the repository's files and the process runner (tests replace parts). */
export type RepositoryDeps = Pick<Deps, 'repo' | 'runner'>;

const GENERATE_FIX = 'run `npm run generate` and commit the result (never edit generated files by hand)';

/** Each problem of a ConfigError as an error finding of `stage`; anything else is rethrown. */
function problemFindings(e: unknown, report: Report, stage: Finding['stage'], rule: string, fix: string): undefined {
  if (!(e instanceof ConfigError)) throw e;
  for (const p of e.problems) {
    report.findings.push({
      stage,
      severity: 'error',
      rule,
      file: p.file,
      pointer: p.path,
      message: p.message,
      fix: p.hint ?? fix,
    });
  }
  return undefined;
}

async function inputs(root: string, deps: RepositoryDeps, report: Report): Promise<ClusterConfig[] | undefined> {
  return deps.repo
    .loadClusters(root)
    .catch((e: unknown) =>
      problemFindings(e, report, 'inputs', 'INPUT-CLUSTER', 'correct the value (see docs/clusters.md)'),
    );
}

/** The planned tree; undefined when the TypeScript source builds invalid objects (each then a finding against its source). */
async function plan(
  root: string,
  clusters: ClusterConfig[],
  deps: RepositoryDeps,
  report: Report,
): Promise<Map<string, string> | undefined> {
  try {
    return await deps.repo.buildTree(clusters, root);
  } catch (e) {
    return problemFindings(e, report, 'freshness', 'SOURCE-INVALID', 'correct the TypeScript source');
  }
}

async function freshness(
  root: string,
  clusters: ClusterConfig[],
  deps: RepositoryDeps,
  report: Report,
): Promise<Set<string>> {
  const planned = await plan(root, clusters, deps, report);
  if (!planned) return new Set();
  const diff = await deps.repo.compareTree(root, planned);
  const add = (files: string[], rule: string, message: string) => {
    for (const file of files)
      report.findings.push({ stage: 'freshness', severity: 'error', rule, file, message, fix: GENERATE_FIX });
  };
  add(diff.stale, 'GENERATED-STALE', 'differs from what `npm run generate` writes from the TypeScript source');
  add(diff.missing, 'GENERATED-MISSING', 'is generated from the TypeScript source but not committed');
  add(diff.extra, 'GENERATED-EXTRA', 'is in a generated folder but no longer generated');
  for (const file of diff.foreign ?? []) {
    const fix =
      'move it out of the generated folders, or run `npm run generate -- --prune` to move it to .pruned/ (generate never deletes it silently)';
    report.findings.push({
      stage: 'freshness',
      severity: 'error',
      rule: 'GENERATED-FOREIGN',
      file,
      message: 'is where `npm run generate` writes, but generate did not write it (not in .generated-files)',
      fix,
    });
  }
  return new Set(planned.keys());
}

/**
 * Renders each distinct source path once, however many clusters use it; kustomize
 * failures become findings. `onRendered` runs as each render lands, while the others
 * are still in kustomize.
 */
async function render(
  root: string,
  apps: AppSource[],
  opts: RepositoryOptions,
  deps: RepositoryDeps,
  report: Report,
  onRendered: (r: RenderedApp) => Promise<void>,
): Promise<Map<string, RenderedApp | undefined>> {
  const byPath = new Map<string, AppSource>();
  for (const a of apps) if (!byPath.has(a.path)) byPath.set(a.path, a);
  const unique = [...byPath.values()];
  const concurrency = opts.concurrency ?? defaultConcurrency();
  opts.progress?.start(unique.length, concurrency);
  let done = 0;
  const results = await mapLimit(unique, concurrency, async (app) => {
    try {
      const [r] = await deps.repo.renderApps(root, [app], {
        runner: deps.runner,
        concurrency: 1,
        fetchRemote: opts.fetchUpstream,
      });
      if (r) await onRendered(r);
      return r;
    } catch (e) {
      if (!(e instanceof KustomizeError) && !(e instanceof InvalidYamlError)) throw e;
      const detail = e instanceof KustomizeError ? e.detail : e.message;
      report.findings.push({
        stage: 'render',
        severity: 'error',
        rule: 'RENDER-KUSTOMIZE',
        file: app.path,
        message: `kustomize build failed: ${detail.split('\n')[0]}`,
        fix: `run \`kubectl kustomize ${app.path}\` to see the whole error; ${GENERATE_FIX}`,
      });
      return undefined;
    } finally {
      opts.progress?.tick(++done, app.path);
    }
  });
  opts.progress?.finish();
  return new Map(unique.map((a, i) => [a.path, results[i]]));
}

function itemsOf(cluster: ClusterConfig, app: AppSource, rendered: RenderedApp, planned: Set<string>): ObjectItem[] {
  return rendered.objects.map((object) => {
    const sources = objectSources(planned, app.path, object);
    return {
      object,
      file: sources[0] ?? app.path,
      origin: `${cluster.name}/${app.app}`,
      sources: sources.length > 1 ? sources : undefined,
    };
  });
}

/** The root Application and bootstrap project are applied by `npm run bootstrap`, not rendered by an app: read them from their file. */
async function rootItems(
  root: string,
  cluster: ClusterConfig,
  deps: RepositoryDeps,
  report: Report,
  file = rootAppPath(cluster.name),
): Promise<ObjectItem[]> {
  const text = await deps.repo.readText(root, file);
  if (text === undefined) return [];
  const parsed = parseManifests(file, text);
  report.findings.push(...parsed.findings.map((f) => ({ ...f, origins: [`${cluster.name}/bootstrap`] })));
  return parsed.items.map((i) => ({ ...i, origin: `${cluster.name}/bootstrap` }));
}

export async function checkRepository(root: string, opts: RepositoryOptions, deps: RepositoryDeps): Promise<Report> {
  const report = emptyReport('repository', opts);
  report.schemas = await schemaPackages();
  const all = await inputs(root, deps, report);
  const rules = healthRulesFinding();
  if (rules) report.findings.push(rules);
  if (!all) return report;
  const clusters = opts.cluster ? all.filter((c) => c.name === opts.cluster) : all;
  if (!clusters.length)
    throw new UserError(`unknown cluster '${opts.cluster}'`, `one of: ${all.map((c) => c.name).join(', ')}`);
  const appsByCluster = new Map<ClusterConfig, AppSource[]>();
  for (const c of clusters) {
    try {
      appsByCluster.set(c, await deps.repo.listApplications(root, c));
    } catch (e) {
      if (!isExpectedError(e)) throw e;
      report.findings.push({
        stage: 'render',
        severity: 'error',
        rule: 'RENDER-APPLICATIONS',
        file: rootAppPath(c.name),
        message: e.message,
        fix: e.hint ?? GENERATE_FIX,
      });
    }
  }
  // Rendering is the slow part and runs in child processes: start it first, and do the
  // freshness check and load each kind's validator while kustomize works.
  const schemas = new PackageSchemas();
  const rendering = render(root, [...appsByCluster.values()].flat(), opts, deps, report, (r) =>
    schemas.preload(r.objects),
  );
  // Awaited below; the handler only keeps an early failure (no kustomize) from counting as unhandled meanwhile.
  rendering.catch(() => undefined);
  const planned = await freshness(root, all, deps, report).catch(async (e: unknown) => {
    await rendering.catch(() => undefined);
    throw e;
  });
  const rendered = await rendering;
  const findings: Finding[] = [];
  for (const [cluster, apps] of appsByCluster) {
    findings.push(...(await checkCluster(root, cluster, apps, rendered, planned, schemas, opts, deps, report)));
  }
  report.counts.clusters = clusters.length;
  report.counts.applications = [...appsByCluster.values()].reduce((n, a) => n + a.length, 0);
  report.findings = mergeFindings([...report.findings, ...findings]);
  report.exceptions = mergeExceptions(report.exceptions);
  return report;
}

async function checkCluster(
  root: string,
  cluster: ClusterConfig,
  apps: AppSource[],
  rendered: Map<string, RenderedApp | undefined>,
  planned: Set<string>,
  schemas: PackageSchemas,
  opts: RepositoryOptions,
  deps: RepositoryDeps,
  report: Report,
): Promise<Finding[]> {
  const items: ObjectItem[] = await rootItems(root, cluster, deps, report);
  const groups: BudgetGroup[] = [];
  // Local mode: the git server bootstrap applies is checked and counted like everything else.
  const gitServer = await rootItems(root, cluster, deps, report, gitServerPath(cluster.name));
  items.push(...gitServer);
  if (gitServer.length)
    groups.push({
      component: 'git-server',
      note: 'local mode, applied by bootstrap',
      objects: gitServer.map((i) => i.object),
    });
  // With --fetch-upstream the pinned installs are rendered: not ours to check, but their CRDs
  // are what the cluster will validate our custom resources against.
  const upstream: ObjectItem[] = [];
  for (const app of apps) {
    const r = rendered.get(app.path);
    if (r?.skipped) report.skipped.push({ what: `${cluster.name}/${app.app} (${app.path})`, reason: r.skipped });
    // Budgets count what our patches size, fetched or not, so the table is the same offline.
    if (app.remote) groups.push(await remotePatchBudget(root, app, deps));
    if (!r || r.skipped) continue;
    if (app.remote) {
      upstream.push(
        ...r.objects.filter(isCrd).map((object) => ({ object, file: app.path, origin: `${cluster.name}/${app.app}` })),
      );
      continue;
    }
    items.push(...itemsOf(cluster, app, r, planned));
    groups.push({ component: app.component, objects: r.objects });
  }
  await schemas.preload(items.map((i) => i.object));
  // Upstream CRDs only fill in kinds no package knows: Argo CD's own kinds keep the package schemas.
  const fetched = withCrds(upstream, () => undefined);
  report.findings.push(...fetched.findings);
  const lookup: typeof schemas.lookup = (v, k) => schemas.lookup(v, k) ?? fetched.lookup(v, k);
  const result = checkItems(items, lookup, { policy: opts.policy, ctx: { mode: 'repository', cluster } });
  report.exceptions.push(...result.exceptions);
  report.counts.objects += items.length;
  report.counts.rules = result.rules;
  report.checked.push(...items.map((i) => ({ file: i.file, object: refOf(i.object), origin: i.origin })));
  const budget = buildBudget(cluster, groups);
  report.budgets.push(budget.table);
  return [...result.findings, ...budget.findings];
}
