// What one component declares: everything the program knows about it, in one object.
// Every table the rest of the program reads (the consumer contracts, internal ports,
// network flows, scrape jobs, dashboards, images, dependencies) is derived from the
// specs in registry.ts, so a component is added in one place. Every fact field is
// required — a component that has no dashboard says `dashboard: null` — so a spec
// that forgets one does not compile (test/types/component-spec.test-d.ts proves it).
//
// A component builds the complete objects it runs in one environment; the generator
// turns the base environment's objects into `base/<c>/` and every other environment's
// differences into `overlays/<env>/<c>/` patches, so the overlays can never disagree
// with the spec.
import type { ComponentName } from '../contracts.ts';
import { InternalError } from '../errors.ts';
import type { KubeObject } from '../kube.ts';
import { NAMESPACE, type Environment } from '../names.ts';
import type { SmokeFactory } from '../smoke/types.ts';
import type { DashboardSpec } from './dashboards/panels.ts';
import type { Sizing } from './workload.ts';
import type { BackupConfig } from '../cluster-backup.ts';

/**
 * When Argo CD syncs the component, relative to the others (its Application's sync wave).
 * `operator-gated` is last: such a component (a raft Vault) is not healthy until a person
 * initialises and unseals it, and the root app waits for each wave to be healthy, so an
 * earlier wave would hold every later component back until then.
 */
export type Tier = 'platform' | 'operator' | 'store' | 'policy' | 'observability' | 'operator-gated';

/**
 * Operators come after the platform: an operator may put objects into the shared namespace
 * (Strimzi's RoleBindings in soma-infra), which the platform's Application creates. Their
 * CRDs and controllers exist before any store that uses them.
 */
export const TIER_WAVE: Record<Tier, number> = {
  platform: 0,
  operator: 1,
  store: 2,
  policy: 3,
  observability: 4,
  'operator-gated': 5,
};

export interface ImageRef {
  /** Which container(s) use it, for the docs. */
  role: string;
  /** Full pinned reference, e.g. 'docker.io/library/postgres:17.6'. */
  image: string;
}

export interface SecretContract {
  name: string;
  keys: readonly string[];
  /** Only the environments that need it (e.g. Vault's dev root token). */
  environments?: readonly Environment[];
  /** The Secret type its reader insists on (default Opaque). */
  type?: 'kubernetes.io/basic-auth';
}

export interface ServiceTls {
  /** A Secret of the namespace and its key holding the CA certificate (clients mount or read only that key). */
  caSecret: string;
  caKey: string;
  /** The name clients check the certificate against (Prometheus's DNS discovery yields pod IPs, so it says this name). */
  serverName: string;
}

export interface NamedPort {
  name: string;
  port: number;
}

/**
 * What a component serves: the consumer contract (its Service is named after the
 * component, in the shared namespace) and the ports inside the namespace that are not
 * part of it. Services, NetworkPolicies and the Prometheus config are built from this.
 */
export interface ServiceSpec {
  /** The contract port consumers use. */
  port: number;
  /** Secrets the component reads, which the bootstrap (dev) or an operator (staging/prod) provides. */
  secrets: readonly SecretContract[];
  /** Extra client-facing ports (besides the contract port) consumers may use, e.g. qdrant gRPC. */
  extraClient?: readonly NamedPort[];
  /** Where Prometheus scrapes: container port and path. */
  metrics: {
    port: number;
    path: string;
    scheme?: 'http' | 'https';
    params?: Readonly<Record<string, readonly string[]>>;
  };
  /** The contract port (and metrics on it) speaks TLS: what a client verifies the certificate with. */
  tls?: ServiceTls;
  /** Ports only the component's own pods use between themselves (raft, peers, controllers). */
  peer?: readonly NamedPort[];
  /** The operator (an upstream component) that runs the pods, and the ports its controller connects to. */
  managedBy?: { component: ComponentName; ports: readonly NamedPort[] };
  /** Connections the pods open outside the namespace (to any address), besides cluster DNS. */
  egress?: readonly (NamedPort & { why: string })[];
}

/**
 * Another component this one connects to on its contract port. Each dependency opens
 * that flow in the NetworkPolicies; a required one must also be enabled wherever this
 * component is (cluster.yaml is rejected otherwise).
 */
export interface Dependency {
  component: ComponentName;
  /** Why, for the NetworkPolicy annotation, the docs and the config error. */
  why: string;
  /** True: the flow is allowed, but the component runs without the other one. */
  optional?: boolean;
}

/** A file the component ships that lives in the repository (a Rego policy): read by an adapter, handed to the planner. */
export type SourceFiles = Readonly<Record<string, string>>;

/** What a component's builders receive besides the environment. */
export interface BuildContext {
  /** Every registered component, for those built from the others (NetworkPolicies, scrape jobs, dashboards). */
  components: readonly ComponentSpec[];
  /** Repository-relative path → content of every registered component's `sourceFiles`. */
  files: SourceFiles;
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

/** A workload of an upstream install that a local patch sizes (its requests count in the budget). */
export interface UpstreamWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  container: string;
  sizing: Sizing;
  /** Environment variables the patch sets on that container (an operator's settings). */
  env?: Readonly<Record<string, string>>;
  /**
   * Arguments appended to the container's (the first container of the pod template): a flag
   * given twice takes its last value, so this overrides the release's without restating it.
   */
  extraArgs?: readonly string[];
}

/** A release object put outside the install's namespace, which a local patch moves into it. */
export interface RelocatedObject {
  group: string;
  kind: string;
  name: string;
}

/**
 * A component that is a pinned upstream release (an operator): its base is a kustomization
 * of the release manifest by URL plus local patches, never copied objects. Such a component
 * builds no objects of its own (`build` returns []), serves no contract and runs in its own
 * namespace, which its Application and the project allow.
 */
export interface UpstreamInstall {
  /** Pinned release manifest URL. */
  url: string;
  version: string;
  /** The namespace the release installs into (its manifest creates it, unless `placeInNamespace`). */
  namespace: string;
  /**
   * The release names no namespace (Strimzi's): kustomize places its namespaced objects, and
   * the ServiceAccount subjects of its bindings, in `namespace`, and the base creates it (in `objects`).
   */
  placeInNamespace?: boolean;
  /** Objects the base adds beside the release, each in its own namespace (the operator's Namespace, RoleBindings where it watches). */
  objects?: readonly KubeObject[];
  /** Labels of the controller's pods (NetworkPolicies admit it to the pods it manages). */
  controllerPodLabels: Readonly<Record<string, string>>;
  workloads: readonly UpstreamWorkload[];
  /** Objects the release puts in another namespace (e.g. kube-system), moved into `namespace` so the project need not allow it. */
  relocate?: { from: string; objects: readonly RelocatedObject[] };
  /** The controller's metrics, scraped through the release's Service in `namespace` (DNS discovery, like the stores). */
  metrics?: { service: string; port: number; path: string };
  /** The kinds the release manifest holds, by scope (the project allows exactly these). */
  kinds: { cluster: readonly GroupKind[]; namespaced: readonly GroupKind[] };
}

export interface GroupKind {
  group: string;
  kind: string;
}

/** What every operator release holds outside its namespace: its Namespace, CRDs and cluster RBAC. */
export const RELEASE_CLUSTER_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'Namespace' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];

/** An operator's admission webhooks (CloudNativePG's, cert-manager's). */
export const WEBHOOK_KINDS: readonly GroupKind[] = [
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
];

export interface ComponentSpec {
  name: ComponentName;
  /** One line, for docs and the Application description. */
  description: string;
  tier: Tier;
  images: readonly ImageRef[];
  /** The user its containers run as (the image's own non-root user); smoke checks that borrow its image use it too. null: no pods. */
  uid: number | null;
  /** The consumer contract and internal ports; null only for the platform (namespace and policies). */
  service: ServiceSpec | null;
  /** The components it connects to (see Dependency). */
  dependsOn: readonly Dependency[];
  /** Its baseline Grafana dashboard, linked from the Argo CD UI; null: none. */
  dashboard: DashboardSpec | null;
  /** Its checks for `npm run smoke`, made from this spec (none: []). */
  smoke: readonly SmokeFactory[];
  /** Repository-relative files its builders read from `BuildContext.files` (none: []). */
  sourceFiles: readonly string[];
  /** Set for an operator installed from its pinned upstream release (see UpstreamInstall). */
  upstream?: UpstreamInstall;
  /** The environment whose objects form `base/<c>/` (default: dev). */
  baseEnvironment?: Environment;
  /** The complete objects the component runs in an environment (without the environment label, which overlays add). */
  build(env: Environment, ctx: BuildContext): KubeObject[];
  /** ConfigMaps made from shipped files; the same in every environment. */
  configFiles?(ctx: BuildContext): ConfigMapFiles[];
  /**
   * The objects one cluster runs, given its environment's: for settings that differ per
   * cluster (Postgres's backup target). Whatever it changes becomes that cluster's layer
   * over the environment overlay (overlays/clusters/<cluster>/<c>/).
   */
  forCluster?(cluster: ClusterFacts, objects: readonly KubeObject[]): KubeObject[];
}

/** What a component's per-cluster builder knows of the cluster (from its cluster.yaml). */
export interface ClusterFacts {
  name: string;
  environment: Environment;
  backup?: BackupConfig;
}

/**
 * An operator installed from its pinned release: what UpstreamInstall says such a component
 * is (its own wave, no pods of its own user, no contract, no objects built here) filled in
 * once, so each operator declares only its name, images and install.
 */
export function operatorComponent(
  c: Pick<ComponentSpec, 'name' | 'description' | 'images'> & { upstream: UpstreamInstall },
): ComponentSpec {
  return {
    ...c,
    tier: 'operator',
    uid: null,
    service: null,
    dependsOn: [],
    dashboard: null,
    smoke: [],
    sourceFiles: [],
    build: () => [],
  };
}

/** A spec that serves a contract (every component but the platform). */
export type ServingSpec = ComponentSpec & { service: ServiceSpec };

export function isServing(c: ComponentSpec): c is ServingSpec {
  return c.service !== null;
}

/** The contract Service's cluster DNS name: the component's name in the shared namespace. */
export function serviceDns(component: ComponentName): string {
  return `${component}.${NAMESPACE}.svc.cluster.local`;
}

/** The headless Service that gives a StatefulSet's pods stable DNS names. */
export function headlessServiceName(component: ComponentName): string {
  return `${component}-headless`;
}

/** A named port of a service spec, or a bug in the spec that asks for it. */
export function namedPort(ports: readonly NamedPort[] | undefined, name: string): NamedPort {
  const p = ports?.find((x) => x.name === name);
  if (!p) throw new InternalError(`no port named '${name}' in ${JSON.stringify(ports ?? [])}`);
  return p;
}
