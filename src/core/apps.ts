// The Argo CD Applications of a cluster as this project sees them: where each one's
// source is (AppSource) and what it renders to (RenderedApp). render.ts produces them
// from the generated tree; the diff engine, validate and others consume them.
import type { KubeObject } from './kube.ts';

export interface AppSource {
  cluster: string;
  /** The Argo CD Application's name. */
  app: string;
  /** The soma component (or 'root' / 'argocd'). */
  component: string;
  /** Repository-relative kustomize directory. */
  path: string;
  /** The generated file the Application is defined in. */
  file: string;
  /** The kustomization pulls a remote URL (Argo CD's own install): not renderable offline. */
  remote: boolean;
}

export interface RenderedApp extends AppSource {
  objects: KubeObject[];
  /** The rendered objects as one YAML stream. */
  yaml: string;
  /** Set when the app was not rendered (e.g. a remote kustomization): the reason. */
  skipped?: string;
}
