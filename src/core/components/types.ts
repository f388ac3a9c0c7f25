// What a component module provides. A component builds the complete objects it runs
// in one environment; the generator turns the base environment's objects into
// `base/<c>/` and every other environment's differences into `overlays/<env>/<c>/`
// patches, so the overlays can never disagree with the TypeScript definition.
import type { ComponentName } from '../contracts.ts';
import type { KubeObject } from '../kube.ts';
import type { Environment } from '../names.ts';

/**
 * When Argo CD syncs the component, relative to the others (its Application's sync wave).
 * `operator-gated` is last: such a component (a raft Vault) is not healthy until a person
 * initialises and unseals it, and the root app waits for each wave to be healthy, so an
 * earlier wave would hold every later component back until then.
 */
export type Tier = 'platform' | 'store' | 'policy' | 'observability' | 'operator-gated';

export const TIER_WAVE: Record<Tier, number> = {
  platform: 0,
  store: 1,
  policy: 2,
  observability: 3,
  'operator-gated': 4,
};

export interface ImageRef {
  /** Which container(s) use it, for the docs. */
  role: string;
  /** Full pinned reference, e.g. 'docker.io/library/postgres:17.6'. */
  image: string;
}

/** A file shipped in the base beside the objects and turned into a ConfigMap by kustomize. */
export interface ConfigMapFiles {
  /** ConfigMap name. */
  name: string;
  /** File name (also the ConfigMap key) → content. */
  files: Record<string, string>;
  /** Files written beside the ConfigMap's files but not put into it (e.g. OPA's *_test.rego). */
  extraFiles?: Record<string, string>;
}

export interface Component {
  name: ComponentName;
  /** One line, for docs and the Application description. */
  description: string;
  tier: Tier;
  images: readonly ImageRef[];
  /** The environment whose objects form `base/<c>/` (default: dev). */
  baseEnvironment?: Environment;
  /** Grafana dashboard uid, linked from the Argo CD UI. */
  dashboardUid?: string;
  /** Other components this one needs at run time: a cluster.yaml enabling this one without them is refused. */
  dependsOn?: readonly ComponentName[];
  /** The complete objects the component runs in an environment (without the environment label, which overlays add). */
  build(env: Environment): KubeObject[];
  /** ConfigMaps made from shipped files; the same in every environment. */
  configFiles?(): ConfigMapFiles[];
}
