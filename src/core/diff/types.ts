// The model of a rendered diff: what was rendered at each revision (input) and what
// changed, per cluster, Application and object (output). Formatters read only the
// output, so Markdown, terminal text and JSON always say the same thing.
import type { RenderedApp } from '../apps.ts';
import type { KubeObject } from '../kube.ts';

/**
 * One Application rendered at one revision; the YAML text is not needed to compare objects.
 * `renderKey` (render-cache.ts) covers everything the render depends on: equal keys at base
 * and head mean equal objects, so the comparison is skipped.
 */
export type AppRender = Omit<RenderedApp, 'yaml'> & { renderKey?: string };

export interface ClusterRender {
  name: string;
  environment: string;
  apps: AppRender[];
}

/** Everything rendered at one revision. */
export interface SideRender {
  /** What the user named: a ref, or 'working tree'. */
  ref: string;
  /** Commit id, or undefined for the working tree. */
  sha?: string;
  clusters: ClusterRender[];
  /** Every repository-relative file at this revision (for provenance). */
  files: readonly string[];
}

/** The generated files a rendered object came from (render.ts's provenance: objectSources). */
export type SourcesOf = (files: Iterable<string>, appPath: string, o: KubeObject) => string[];

export interface DiffInput {
  base: SideRender;
  head: SideRender;
  /** Repository-relative files that differ between the revisions. */
  changedFiles: readonly string[];
  sources?: SourcesOf;
  /** Unchanged lines shown around each change (default 4). */
  context?: number;
}

export type ChangeStatus = 'added' | 'removed' | 'changed';

export type Severity = 'info' | 'warning' | 'danger';

export type ImpactKind =
  | 'create'
  | 'prune'
  | 'keep'
  | 'rollout'
  | 'scale'
  | 'recreate'
  | 'expand'
  | 'reject'
  | 'config'
  | 'secret'
  | 'metadata'
  | 'update';

/** What applying the change does in the cluster, worked out from the change itself. */
export interface Impact {
  kind: ImpactKind;
  severity: Severity;
  message: string;
  /** The field paths that triggered it (e.g. 'spec.volumeClaimTemplates'). */
  fields?: string[];
}

/** Which Secret keys changed; values are compared by hash and never kept. */
export interface SecretKeyChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface ObjectDiff {
  /** group/kind/namespace/name: the identity objects are matched by. */
  key: string;
  /** kind/namespace/name, for people. */
  ref: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  status: ChangeStatus;
  impacts: Impact[];
  /** Generated files the object comes from (head for added/changed, base for removed). */
  sources: string[];
  /** The subset of `sources` that changed between the revisions. */
  changedSources: string[];
  secretKeys?: SecretKeyChanges;
  /** Unified diff hunks (no file header), Secret values masked. */
  patch: string;
  linesAdded: number;
  linesRemoved: number;
}

export type AppStatus = 'added' | 'removed' | 'changed' | 'unchanged' | 'not-rendered';

export interface AppDiff {
  cluster: string;
  app: string;
  component: string;
  path: string;
  status: AppStatus;
  objects: ObjectDiff[];
  /** Why the app was not rendered (remote kustomization), when it was not. */
  skipped?: string;
  /** For an app that was not rendered: its input files that changed. */
  changedInputs?: string[];
  linesAdded: number;
  linesRemoved: number;
}

export interface Counts {
  added: number;
  removed: number;
  changed: number;
}

export interface ClusterSummary {
  apps: Counts & { unchanged: number; notRendered: number };
  objects: Counts;
  linesAdded: number;
  linesRemoved: number;
}

export interface ClusterDiff {
  cluster: string;
  environment: string;
  /** Present at only one revision. */
  status?: 'added' | 'removed';
  apps: AppDiff[];
  summary: ClusterSummary;
}

export interface DiffReport {
  base: { ref: string; sha?: string };
  head: { ref: string; sha?: string };
  clusters: ClusterDiff[];
  /** True when any rendered object or any un-rendered app input changed. */
  changed: boolean;
}
