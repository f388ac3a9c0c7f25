// What rendering shares without the YAML parser (render.ts loads it): how many builds run
// side by side, and why an Application is not rendered offline — its kustomization pulls a
// remote resource (a pinned upstream install). A diff that builds nothing loads only this.
import { availableParallelism } from 'node:os';
import type { AppSource } from '../core/apps.ts';

export function defaultConcurrency(): number {
  return Math.max(2, availableParallelism());
}

export function remoteSkipReason(app: Pick<AppSource, 'path'>): string {
  return `${app.path} pulls a remote resource (a pinned upstream install); not rendered offline`;
}
