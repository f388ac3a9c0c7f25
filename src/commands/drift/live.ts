// The live mode: render what git says, ask the API server what each object would become
// if git were applied now (server-side apply dry-run under drift's own field manager),
// and list objects in the namespaces git owns that git does not describe.
import { join } from 'node:path';
import { type LiveCluster } from '../../adapters/kube-live.ts';
import { KubeApiError } from '../../adapters/kube.ts';
import { listApplications, renderApps, type RenderedApp } from '../../adapters/render.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import { CONTRACTS } from '../../core/contracts.ts';
import {
  type DesiredApp,
  type DriftReport,
  type ObjectDrift,
  errorDrift,
  findOrphans,
  ownerPolicyFor,
  type OwnerPolicy,
  ownedNamespaces,
  serverSideObjectDrift,
  sortDrifts,
} from '../../core/drift/index.ts';
import { ConfigError, type Problem } from '../../core/errors.ts';
import type { KubeObject } from '../../core/kube.ts';
import { DRIFT_FIELD_MANAGER, FILES, LABELS, MANAGED_BY, NAMESPACE, rootAppPath } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import type { Io } from '../../cli/types.ts';
import { readObjects, readYamlDocs } from './files.ts';

// What a person or a tool might leave behind in an owned namespace, besides the kinds git renders.
const ORPHAN_KINDS: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
];

/** One desired object against the cluster: missing, changed (per the dry-run), or in sync (undefined). */
async function driftOf(
  live: LiveCluster,
  app: string,
  desired: KubeObject,
  policy: OwnerPolicy,
): Promise<ObjectDrift | undefined> {
  const { apiVersion, kind, metadata } = desired;
  const base = { app, apiVersion, kind, namespace: metadata.namespace ?? '', name: metadata.name, changes: [] };
  try {
    const current = await live.get(apiVersion, kind, metadata.name, metadata.namespace);
    if (!current) return { ...base, state: 'missing' };
    const predicted = await live.applyDryRun(desired, DRIFT_FIELD_MANAGER);
    return serverSideObjectDrift(app, desired, predicted, current, DRIFT_FIELD_MANAGER, policy);
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    // The kind is not served at all (a CRD missing): the object cannot be there.
    if (e.failure === 'not-found') return { ...base, state: 'missing', message: e.message };
    // The server refuses git's object as an update (an immutable field changed): that is drift too.
    if (e.failure === 'invalid' || e.failure === 'conflict') return errorDrift(app, desired, e.message);
    throw e;
  }
}

/** Live objects that may be orphans: every listed kind in owned namespaces, our labelled objects elsewhere. */
async function candidates(live: LiveCluster, apps: DesiredApp[], owned: Set<string>): Promise<KubeObject[]> {
  const desired = apps.flatMap((a) => a.objects);
  const kinds = new Map<string, [string, string]>(ORPHAN_KINDS.map(([v, k]) => [`${v}/${k}`, [v, k]]));
  for (const o of desired) kinds.set(`${o.apiVersion}/${o.kind}`, [o.apiVersion, o.kind]);
  const shared = new Set(
    desired
      .filter((o) => o.kind !== 'Namespace')
      .map((o) => o.metadata.namespace ?? '')
      .filter((ns) => !owned.has(ns)),
  );
  const out: KubeObject[] = [];
  const listOrSkip = async (apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string }) => {
    try {
      out.push(...(await live.list(apiVersion, kind, opts)));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.failure === 'not-found')) throw e; // a kind this cluster does not serve
    }
  };
  const ours = `${LABELS.managedBy}=${MANAGED_BY}`;
  await mapLimit([...kinds.values()], 4, async ([apiVersion, kind]) => {
    const namespaced = await live.client.isNamespaced(apiVersion, kind).catch(() => undefined);
    if (namespaced === undefined) return;
    if (!namespaced) return listOrSkip(apiVersion, kind, { labelSelector: ours });
    for (const ns of owned) await listOrSkip(apiVersion, kind, { namespace: ns });
    for (const ns of shared)
      if (desired.some((o) => o.kind === kind && o.metadata.namespace === ns))
        await listOrSkip(apiVersion, kind, { namespace: ns, labelSelector: ours });
  });
  return out;
}

/** Secrets the bootstrap or an operator provides on purpose, outside git (docs/contracts.md, Network access). */
function providedSecrets(cluster: ClusterConfig): Set<string> {
  const names = Object.values(CONTRACTS).flatMap((c) =>
    c.secrets.filter((s) => !s.environments || s.environments.includes(cluster.environment)),
  );
  return new Set(names.map((s) => `Secret/${NAMESPACE}/${s.name}`));
}

/**
 * Objects a skipped (remote) Application's kustomization lists from local files, e.g. the
 * argocd Namespace in bootstrap/argocd: bootstrap applies them itself, no render shows
 * them, so they are provided, not orphans. Keys are `Kind/namespace/name`.
 */
async function locallyProvided(io: Io, live: LiveCluster, skipped: readonly RenderedApp[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const app of skipped) {
    const problems: Problem[] = [];
    const [kustomization] = await readYamlDocs(io, join(app.path, FILES.kustomization), problems);
    const k = (kustomization ?? {}) as { namespace?: unknown; resources?: unknown };
    const files = (Array.isArray(k.resources) ? k.resources : []).filter(
      (r): r is string => typeof r === 'string' && /\.ya?ml$/.test(r) && !/^[a-z]+:\/\//.test(r),
    );
    for (const file of files) {
      for (const o of await readObjects({ ...io, cwd: io.root }, [join(app.path, file)], problems)) {
        const namespaced =
          o.kind !== 'Namespace' && (await live.client.isNamespaced(o.apiVersion, o.kind).catch(() => true));
        const ns = namespaced ? (o.metadata.namespace ?? (typeof k.namespace === 'string' ? k.namespace : '')) : '';
        out.add(`${o.kind}/${ns}/${o.metadata.name}`);
      }
    }
    if (problems.length)
      throw new ConfigError(`cannot read the local files of ${app.path} (Application ${app.app}):`, problems);
  }
  return out;
}

/**
 * bootstrap/clusters/<c>/root-app.yaml: the root Application and its project are applied by
 * `npm run bootstrap`, not by an Application, so no render includes them. They are
 * compared too (reported under the file's name), and are not orphans.
 */
async function bootstrapApplied(io: Io, cluster: ClusterConfig): Promise<DesiredApp> {
  const file = rootAppPath(cluster.name);
  const problems: Problem[] = [];
  const objects = await readObjects({ ...io, cwd: io.root }, [file], problems);
  if (problems.length) throw new ConfigError(`cannot read ${file}:`, problems);
  return { app: file, component: 'root', objects };
}

export async function liveDrift(io: Io, live: LiveCluster, cluster: ClusterConfig): Promise<DriftReport> {
  const rendered: RenderedApp[] = await renderApps(io.root, await listApplications(io.root, cluster), {
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  const apps: DesiredApp[] = rendered
    .filter((r) => !r.skipped)
    .map((r) => ({ app: r.app, component: r.component, objects: r.objects }));
  apps.unshift(await bootstrapApplied(io, cluster));
  const drifts: ObjectDrift[] = [];
  const policy = ownerPolicyFor(cluster.drift?.trustedManagers);
  for (const app of apps) {
    const found = await mapLimit(app.objects, 8, (o) => driftOf(live, app.app, o, policy));
    drifts.push(...found.filter((d): d is ObjectDrift => d !== undefined));
    io.stderr(`compared ${app.app}: ${app.objects.length} objects, ${found.filter(Boolean).length} drifted\n`);
  }
  const owned = ownedNamespaces(apps);
  const skipped = rendered.filter((r) => r.skipped);
  const provided = new Set([...providedSecrets(cluster), ...(await locallyProvided(io, live, skipped))]);
  const skippedApps = new Set(skipped.map((r) => r.app));
  drifts.push(
    ...findOrphans(apps, await candidates(live, apps, owned), {
      ownedNamespaces: owned,
      provided,
      managedBy: MANAGED_BY,
      skippedApps,
    }),
  );
  return {
    mode: 'server-side',
    cluster: cluster.name,
    compared: apps.reduce((n, a) => n + a.objects.length, 0),
    drifts: sortDrifts(drifts),
    skipped: skipped.map((r) => ({ app: r.app, reason: r.skipped! })),
  };
}
