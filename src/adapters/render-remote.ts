// Why an Application is not rendered offline: its kustomization pulls a remote resource
// (a pinned upstream install). Apart from render.ts so that saying so loads no YAML parser.
import type { AppSource } from '../core/apps.ts';

export function remoteSkipReason(app: Pick<AppSource, 'path'>): string {
  return `${app.path} pulls a remote resource (a pinned upstream install); not rendered offline`;
}
