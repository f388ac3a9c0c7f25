// Assembles the drift report from compared pairs: objects that differ, objects git
// wants that the cluster lacks, and objects in the managed namespaces that git does
// not know (orphans) — leaving out what controllers and the API server create.
import { apiGroup, objectKey, type KubeObject } from '../kube.ts';
import { ANNOTATIONS, LABELS } from '../names.ts';
import { compareObjects } from './compare.ts';
import { fieldSetOf, isMap, ownedFieldSet } from './fieldset.ts';
import { normalizeDesired, stripServerFields } from './normalize.ts';
import { ARGOCD_SYNC_MANAGER, DEFAULT_TRUSTED_MANAGERS, fieldsOutsideGit, type OwnerPolicy } from './owners.ts';
import type { DriftReport, ObjectDrift } from './types.ts';

export interface DesiredApp {
  app: string;
  component: string;
  objects: KubeObject[];
}

function base(app: string, o: KubeObject): Omit<ObjectDrift, 'state' | 'changes'> {
  return { app, apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

/** The built-in policy plus a cluster's own trusted managers (cluster.yaml `drift.trustedManagers`). */
export function ownerPolicyFor(extraTrusted: readonly string[] = []): OwnerPolicy {
  return { syncManager: ARGOCD_SYNC_MANAGER, trusted: [...DEFAULT_TRUSTED_MANAGERS, ...extraTrusted] };
}

export const DEFAULT_OWNER_POLICY: OwnerPolicy = ownerPolicyFor();

/**
 * Offline: desired as written, live with server-filled fields removed, compared over the
 * fields git sets; when the live file carries managedFields (`kubectl get
 * --show-managed-fields`), fields a person added or git dropped are reported too.
 */
export function offlineObjectDrift(
  app: string,
  desired: KubeObject,
  live: KubeObject | undefined,
  policy = DEFAULT_OWNER_POLICY,
): ObjectDrift | undefined {
  if (!live) return { ...base(app, desired), state: 'missing', changes: [] };
  const expected = normalizeDesired(desired);
  const git = fieldSetOf(expected);
  const changes = compareObjects(expected, stripServerFields(live), git, { subset: true });
  changes.push(...fieldsOutsideGit(live, git, policy));
  return changes.length ? { ...base(app, desired), state: 'changed', changes } : undefined;
}

/**
 * Live: `predicted` is the API server's answer to a server-side apply dry-run of the
 * desired object under `manager`; it is what the object would be if git were applied
 * now. Comparing it with the live object over the fields `manager` owns gives exactly
 * the fields git would change — with the server's own defaulting and normalisation.
 * The same set, subtracted from the live object's other owners, shows what a person
 * added and what git dropped while the sync manager still applies it (owners.ts).
 */
export function serverSideObjectDrift(
  app: string,
  desired: KubeObject,
  predicted: KubeObject,
  live: KubeObject,
  manager: string,
  policy = DEFAULT_OWNER_POLICY,
): ObjectDrift | undefined {
  const scope = ownedFieldSet(predicted, manager);
  const changes = compareObjects(stripServerFields(predicted), stripServerFields(live), scope);
  changes.push(...fieldsOutsideGit(live, scope, { ...policy, ignored: [...(policy.ignored ?? []), manager] }));
  return changes.length ? { ...base(app, desired), state: 'changed', changes } : undefined;
}

export function errorDrift(app: string, o: KubeObject, message: string): ObjectDrift {
  return { ...base(app, o), state: 'error', changes: [], message };
}

// Kinds that controllers create from other objects (Pods from ReplicaSets, ...): never orphans.
const DERIVED_KINDS = new Set([
  'Pod',
  'ReplicaSet',
  'ControllerRevision',
  'Endpoints',
  'EndpointSlice',
  'Event',
  'Lease',
  // cert-manager's issuance chain (owned by their Certificate; listed in case an owner reference is missing).
  'CertificateRequest',
  'Order',
  'Challenge',
]);

/**
 * Operators that write objects into our namespace without an owner reference (CloudNativePG's
 * monitoring queries; Strimzi's volumes, kept when a node pool is removed, and anything else
 * it labels as its own).
 */
const OPERATOR_MANAGERS = new Set(['cloudnative-pg', 'strimzi-cluster-operator']);

/** Objects every namespace gets from Kubernetes itself, and those the operators above make. */
function isSystemObject(o: KubeObject): boolean {
  if (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') return true;
  if (OPERATOR_MANAGERS.has(o.metadata.labels?.['app.kubernetes.io/managed-by'] ?? '')) return true;
  if (o.kind === 'ServiceAccount' && o.metadata.name === 'default') return true;
  return o.kind === 'Secret' && (o as { type?: unknown }).type === 'kubernetes.io/service-account-token';
}

/**
 * The Secrets cert-manager writes for the Certificates git declares (`spec.secretName`, same
 * namespace): cert-manager sets no owner reference on them by default, and they are the
 * controller's output, not an orphan.
 */
function certificateSecrets(desired: readonly KubeObject[]): (o: KubeObject) => boolean {
  const made = new Set(
    desired
      .filter((o) => o.kind === 'Certificate' && apiGroup(o.apiVersion) === 'cert-manager.io')
      .map(
        (o) => `${o.metadata.namespace ?? ''}/${String((o.spec as { secretName?: unknown } | undefined)?.secretName)}`,
      ),
  );
  return (o) => o.kind === 'Secret' && made.has(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

/** PVCs a StatefulSet creates from its volumeClaimTemplates (`<template>-<statefulset>-<ordinal>`), or a Strimzi node pool. */
function claimPattern(desired: readonly KubeObject[]): (o: KubeObject) => boolean {
  const patterns: RegExp[] = [];
  for (const o of desired) {
    if (o.kind !== 'StatefulSet') continue;
    const templates = (
      isMap(o.spec) && Array.isArray(o.spec.volumeClaimTemplates) ? o.spec.volumeClaimTemplates : []
    ) as KubeObject[];
    for (const t of templates)
      patterns.push(new RegExp(`^${escape(t.metadata?.name ?? '')}-${escape(o.metadata.name)}-\\d+$`));
  }
  // A Strimzi node pool's volumes: `data-<kafka>-<pool>-<node id>` (`data-<volume id>-…` in JBOD).
  for (const o of desired) {
    const cluster = o.metadata.labels?.['strimzi.io/cluster'];
    if (o.kind !== 'KafkaNodePool' || !cluster) continue;
    patterns.push(new RegExp(`^data-(\\d+-)?${escape(cluster)}-${escape(o.metadata.name)}-\\d+$`));
  }
  return (o) => o.kind === 'PersistentVolumeClaim' && patterns.some((p) => p.test(o.metadata.name));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The Application named by Argo CD's tracking annotation (`<app>:<group>/<kind>:<ns>/<name>`),
 * or undefined. An Application outside Argo CD's namespace is written `<namespace>_<app>`;
 * Application names cannot contain '_', so the part after it is the name.
 */
export function trackingApp(o: KubeObject): string | undefined {
  const tracking = o.metadata.annotations?.[ANNOTATIONS.trackingId];
  if (!tracking?.includes(':')) return undefined;
  const instance = tracking.split(':')[0]!;
  return instance.slice(instance.lastIndexOf('_') + 1) || undefined;
}

/** Which Application an orphan belongs to: Argo CD's tracking annotation/label, else the component label. */
function appOfOrphan(o: KubeObject, apps: readonly DesiredApp[]): string {
  const tracked = trackingApp(o);
  if (tracked) return tracked;
  const instance = o.metadata.labels?.[LABELS.instance];
  if (instance && apps.some((a) => a.app === instance)) return instance;
  const component = o.metadata.labels?.[LABELS.component];
  return apps.find((a) => a.component === component)?.app ?? '';
}

export interface OrphanOptions {
  /** Namespaces git owns (its Namespace objects): every listed object there must be in git. */
  ownedNamespaces: ReadonlySet<string>;
  /** `Kind/namespace/name` of objects provided outside git on purpose (dev secrets made by bootstrap). */
  provided: ReadonlySet<string>;
  /** The managed-by label value: in namespaces git shares, only objects carrying it are ours. */
  managedBy: string;
  /**
   * Applications that were not rendered (remote sources such as Argo CD's own install): what
   * Argo CD tracks for them is theirs, not an orphan, even though no render lists it.
   */
  skippedApps?: ReadonlySet<string>;
}

/**
 * Live objects git does not describe. In owned namespaces every object counts; elsewhere
 * (e.g. Argo CD's namespace) only objects labelled as ours. Controller-made and system
 * objects, objects provided outside git on purpose, and objects tracked by an Application
 * that was not rendered are never orphans.
 */
export function findOrphans(
  apps: readonly DesiredApp[],
  live: readonly KubeObject[],
  opts: OrphanOptions,
): ObjectDrift[] {
  const all = apps.flatMap((a) => a.objects);
  const known = new Set(all.map(objectKey));
  const isClaim = claimPattern(all);
  const isCertificateSecret = certificateSecrets(all);
  const out: ObjectDrift[] = [];
  for (const o of live) {
    if (known.has(objectKey(o)) || DERIVED_KINDS.has(o.kind) || isSystemObject(o) || isClaim(o)) continue;
    if (isCertificateSecret(o)) continue;
    if (Array.isArray(o.metadata.ownerReferences) && o.metadata.ownerReferences.length) continue;
    if (opts.provided.has(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)) continue;
    const tracked = trackingApp(o);
    if (tracked && opts.skippedApps?.has(tracked)) continue;
    const ns = o.metadata.namespace ?? '';
    const ours = o.metadata.labels?.[LABELS.managedBy] === opts.managedBy;
    if (!(ns && opts.ownedNamespaces.has(ns)) && !ours) continue;
    out.push({ ...base(appOfOrphan(o, apps), o), state: 'orphan', changes: [] });
  }
  return out;
}

/** The namespaces git owns: those it declares as Namespace objects. */
export function ownedNamespaces(apps: readonly DesiredApp[]): Set<string> {
  return new Set(
    apps
      .flatMap((a) => a.objects)
      .filter((o) => o.kind === 'Namespace' && apiGroup(o.apiVersion) === '')
      .map((o) => o.metadata.name),
  );
}

const STATE_ORDER = { changed: 0, missing: 1, orphan: 2, error: 3 } as const;

/** Stable order for output: by application, then state, then kind/namespace/name. */
export function sortDrifts(drifts: ObjectDrift[]): ObjectDrift[] {
  const key = (d: ObjectDrift) => [d.app || '~', STATE_ORDER[d.state], d.kind, d.namespace, d.name].join('\u0000');
  return [...drifts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * `drift --desired <file> --live <file>`: pairs objects by group/kind/namespace/name.
 * Every live object without a desired counterpart is an orphan (the files are the
 * whole world here), except what controllers and Kubernetes create by themselves.
 */
export function offlineDrift(desired: readonly KubeObject[], live: readonly KubeObject[]): DriftReport {
  const liveByKey = new Map(live.map((o) => [objectKey(o), o]));
  const drifts: ObjectDrift[] = [];
  for (const d of desired) {
    const live = liveByKey.get(objectKey(d));
    // `kubectl get` output carries Argo CD's tracking annotation: it names the Application.
    const app = (live && appOfOrphan(live, [])) || appOfOrphan(d, []);
    const drift = offlineObjectDrift(app, d, live);
    if (drift) drifts.push(drift);
  }
  const app: DesiredApp = { app: '', component: '', objects: [...desired] };
  const everyNamespace = new Set(live.map((o) => o.metadata.namespace ?? '').filter(Boolean));
  drifts.push(...findOrphans([app], live, { ownedNamespaces: everyNamespace, provided: new Set(), managedBy: '' }));
  return { mode: 'offline', compared: desired.length, drifts: sortDrifts(drifts), skipped: [] };
}
