// What a diff knows without rendering anything: a remote source is skipped, and two
// revisions nothing differs between are unchanged everywhere. Apart from render-cache.ts
// (which it does not import), so a diff with nothing to render never loads the renderer,
// the kustomize adapter or the render keys.
import type { AppRender } from '../core/diff/types.ts';
import type { AppSource } from './render.ts';
import type { RenderStats, RevisionApps } from './render-cache.ts';
import { remoteSkipReason } from './render-common.ts';

/**
 * Two revisions whose files do not differ at all (a diff of HEAD against a clean work
 * tree): every render is the same at both, by the same reasoning as `like` (a key changes
 * only with a file that differs), so no key is computed, no folder read, no render built.
 */
export function identical(revisions: readonly RevisionApps[]): boolean {
  return (
    revisions.length === 2 && revisions.some((r) => r.like?.changed.length === 0 && revisions.includes(r.like.rev))
  );
}

export function allUnchanged(revisions: readonly RevisionApps[]): { renders: AppRender[][]; stats: RenderStats } {
  const renders = revisions.map((rev) =>
    // One key per path at both revisions: equal keys are what marks a render unchanged.
    rev.apps.map((app): AppRender =>
      app.remote ? skippedRender(app) : { ...app, objects: [], renderKey: `same\0${app.path}` },
    ),
  );
  const requested = renders.flat().length;
  const unchanged = revisions.flatMap((r) => r.apps).filter((a) => !a.remote).length;
  return { renders, stats: { requested, rendered: 0, fromDisk: 0, shared: 0, unchanged } };
}

/** A remote (not renderable offline) app: why, with no objects (what renderApps says of it). */
export function skippedRender(app: AppSource): AppRender {
  return { ...app, objects: [], skipped: remoteSkipReason(app) };
}
