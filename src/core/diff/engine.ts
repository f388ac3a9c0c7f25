// Compares two renders of the repository: clusters by name, Applications by name,
// objects by group/kind/namespace/name. Pure: the command renders, this decides what
// changed, what it does in the cluster and which generated files it came from.
import { InternalError } from '../errors.ts';
import { objectKey, objectRef, type KubeObject } from '../kube.ts';
import { assessImpact } from './impact.ts';
import { isSecret, maskSecretPair } from './secrets.ts';
import { DEFAULT_CONTEXT, sameValue } from './values.ts';
import type {
  AppDiff,
  AppRender,
  ClusterDiff,
  ClusterRender,
  ClusterSummary,
  DiffInput,
  DiffReport,
  ObjectDiff,
  SourcesOf,
} from './types.ts';

interface Context {
  input: DiffInput;
  changed: ReadonlySet<string>;
  sources: SourcesOf;
  context: number;
  /**
   * Object diffs by the pair of render keys they compare: clusters of one environment share
   * their overlays, so one change shows in many Applications with the same two renders
   * (48 clusters: the same three comparisons, 48 times). A key covers the source path, so
   * the objects' sources are the same too.
   */
  pairs: Map<string, ObjectDiff[]>;
  /** Printing and diffing YAML: loaded only when some object is compared. */
  text?: TextOps;
}

type TextOps = Pick<typeof import('./text.ts'), 'diffYaml' | 'objectYaml'>;

/**
 * Compares two revisions' renders. Asynchronous only to load the YAML printer and the text
 * diff when some object is to be compared: a report of unchanged Applications needs neither.
 */
export async function buildDiffReport(input: DiffInput): Promise<DiffReport> {
  const rendered = [input.base, input.head].some((side) =>
    side.clusters.some((c) => c.apps.some((a) => a.objects.length)),
  );
  return buildReport(input, rendered ? await import('./text.ts') : undefined);
}

function buildReport(input: DiffInput, text: TextOps | undefined): DiffReport {
  const ctx: Context = {
    input,
    text,
    changed: new Set(input.changedFiles),
    sources: input.sources ?? (() => []),
    context: input.context ?? DEFAULT_CONTEXT,
    pairs: new Map(),
  };
  const names = sortedUnion(
    input.base.clusters.map((c) => c.name),
    input.head.clusters.map((c) => c.name),
  );
  const clusters = names.map((name) =>
    diffCluster(
      ctx,
      input.base.clusters.find((c) => c.name === name),
      input.head.clusters.find((c) => c.name === name),
    ),
  );
  const changed = clusters.some((c) => c.apps.some((a) => a.status !== 'unchanged'));
  return {
    base: { ref: input.base.ref, ...(input.base.sha ? { sha: input.base.sha } : {}) },
    head: { ref: input.head.ref, ...(input.head.sha ? { sha: input.head.sha } : {}) },
    clusters,
    changed,
  };
}

function diffCluster(ctx: Context, base: ClusterRender | undefined, head: ClusterRender | undefined): ClusterDiff {
  const name = (head ?? base)!.name;
  const baseApps = new Map((base?.apps ?? []).map((a) => [a.app, a]));
  const headApps = new Map((head?.apps ?? []).map((a) => [a.app, a]));
  const apps = sortedUnion([...baseApps.keys()], [...headApps.keys()]).map((app) =>
    diffApp(ctx, baseApps.get(app), headApps.get(app)),
  );
  return {
    cluster: name,
    environment: (head ?? base)!.environment,
    ...(!base ? { status: 'added' as const } : !head ? { status: 'removed' as const } : {}),
    apps,
    summary: summarize(apps),
  };
}

function diffApp(ctx: Context, base: AppRender | undefined, head: AppRender | undefined): AppDiff {
  const app = (head ?? base)!;
  const common = { cluster: app.cluster, app: app.app, component: app.component, path: app.path };
  const skipped = head?.skipped ?? base?.skipped;
  if (skipped !== undefined) {
    const changedInputs = [...ctx.changed].filter((f) => f.startsWith(`${app.path}/`)).sort();
    const status = !base ? 'added' : !head ? 'removed' : changedInputs.length ? 'not-rendered' : 'unchanged';
    return {
      ...common,
      status,
      objects: [],
      skipped,
      ...(changedInputs.length ? { changedInputs } : {}),
      linesAdded: 0,
      linesRemoved: 0,
    };
  }
  // Same inputs, same render: nothing to compare (most Applications of a one-component change).
  if (base?.renderKey !== undefined && base.renderKey === head?.renderKey)
    return { ...common, status: 'unchanged', objects: [], linesAdded: 0, linesRemoved: 0 };
  const objects = diffObjects(ctx, base, head);
  const status = !base ? 'added' : !head ? 'removed' : objects.length ? 'changed' : 'unchanged';
  return {
    ...common,
    status,
    objects,
    linesAdded: objects.reduce((n, o) => n + o.linesAdded, 0),
    linesRemoved: objects.reduce((n, o) => n + o.linesRemoved, 0),
  };
}

function diffObjects(ctx: Context, base: AppRender | undefined, head: AppRender | undefined): ObjectDiff[] {
  const pair =
    base?.renderKey !== undefined && head?.renderKey !== undefined ? `${base.renderKey}\0${head.renderKey}` : undefined;
  const known = pair === undefined ? undefined : ctx.pairs.get(pair);
  if (known) return known;
  const before = new Map((base?.objects ?? []).map((o) => [objectKey(o), o]));
  const after = new Map((head?.objects ?? []).map((o) => [objectKey(o), o]));
  const objects: ObjectDiff[] = [];
  for (const key of sortedUnion([...before.keys()], [...after.keys()])) {
    const d = diffObject(ctx, key, before.get(key), after.get(key), head ?? base!);
    if (d) objects.push(d);
  }
  if (pair !== undefined) ctx.pairs.set(pair, objects);
  return objects;
}

function diffObject(
  ctx: Context,
  key: string,
  base: KubeObject | undefined,
  head: KubeObject | undefined,
  app: AppRender,
): ObjectDiff | undefined {
  if (base && head && sameValue(base, head)) return undefined;
  const o = (head ?? base)!;
  const secret = isSecret(o) ? maskSecretPair(base, head) : undefined;
  const shown = secret ?? { base, head };
  if (!ctx.text) throw new InternalError('the diff engine compared objects without its YAML printer');
  const text = ctx.text.diffYaml(ctx.text.objectYaml(shown.base), ctx.text.objectYaml(shown.head), ctx.context);
  const side = head ? ctx.input.head : ctx.input.base;
  const sources = ctx.sources(side.files, app.path, o);
  return {
    key,
    ref: objectRef(o),
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    status: !base ? 'added' : !head ? 'removed' : 'changed',
    impacts: assessImpact(base, head, secret?.keys),
    sources,
    changedSources: sources.filter((f) => ctx.changed.has(f)),
    ...(secret ? { secretKeys: secret.keys } : {}),
    patch: text.patch,
    linesAdded: text.added,
    linesRemoved: text.removed,
  };
}

function summarize(apps: AppDiff[]): ClusterSummary {
  const count = (s: string) => apps.filter((a) => a.status === s).length;
  const objects = apps.flatMap((a) => a.objects);
  const ocount = (s: string) => objects.filter((o) => o.status === s).length;
  return {
    apps: {
      added: count('added'),
      removed: count('removed'),
      changed: count('changed'),
      unchanged: count('unchanged'),
      notRendered: count('not-rendered'),
    },
    objects: { added: ocount('added'), removed: ocount('removed'), changed: ocount('changed') },
    linesAdded: apps.reduce((n, a) => n + a.linesAdded, 0),
    linesRemoved: apps.reduce((n, a) => n + a.linesRemoved, 0),
  };
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Every changed object in the report with where it is, for formatters. */
export function allObjects(report: DiffReport): { cluster: ClusterDiff; app: AppDiff; object: ObjectDiff }[] {
  return report.clusters.flatMap((cluster) =>
    cluster.apps.flatMap((app) => app.objects.map((object) => ({ cluster, app, object }))),
  );
}
