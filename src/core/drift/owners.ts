// Who put a field there. Comparing only the fields git sets (compare.ts) is blind to what
// a person adds (an extra env var, a whole container) and to what git stopped setting
// while the sync's field manager still owns it. The object's `managedFields` record the
// owner of every field, so both are found by subtracting field sets: a person's manager's
// fields minus git's, and the sync manager's fields minus git's.
import type { KubeObject } from '../kube.ts';
import { formatPath } from './compare.ts';
import { isLeaf, isMap, itemMatches } from './fieldset.ts';
import type { FieldChange, FieldSet } from './types.ts';

type Dict = Record<string, unknown>;
type Seg = string | { key: Dict } | { index: number };

/** The field manager Argo CD uses for server-side apply syncs (fixed in Argo CD 3.x). */
export const ARGOCD_SYNC_MANAGER = 'argocd-controller';

/**
 * Managers whose additions are not drift: the control plane, Argo CD's controller, and the
 * operators this repository installs. A trailing `*` matches a prefix. Everything else
 * (kubectl-edit, kubectl-patch, kubectl-client-side-apply, `kubectl apply --server-side`'s
 * "kubectl", scripts with their own manager names) is a person's tool. docs/operations.md
 * lists them; a cluster adds its own in cluster.yaml `drift.trustedManagers`.
 */
export const DEFAULT_TRUSTED_MANAGERS: readonly string[] = [
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-apiserver',
  'before-first-apply',
  'argocd-controller',
  'argocd-application-controller',
  'cert-manager-*',
  'strimzi-cluster-operator',
  'cloudnative-pg',
  'manager',
  // bootstrap's own applies (namespaces, the root Application, Argo CD itself).
  'somastack',
];

export interface OwnerPolicy {
  /** The manager that applies git (Argo CD's), whose leftovers are "removed from git". */
  syncManager: string;
  /** Managers (exact, or prefix with a trailing `*`) whose additions are expected. */
  trusted: readonly string[];
  /** Managers that are ours: drift's own dry-run manager. Never reported. */
  ignored?: readonly string[];
}

export function isTrustedManager(manager: string, trusted: readonly string[]): boolean {
  return trusted.some((t) => (t.endsWith('*') ? manager.startsWith(t.slice(0, -1)) : manager === t));
}

interface ManagedEntry {
  manager: string;
  operation: string;
  time?: string;
  fields: FieldSet;
}

/** managedFields entries that describe the object itself (status subresource writes are not spec drift). */
function entries(o: KubeObject): ManagedEntry[] {
  const raw = Array.isArray(o.metadata.managedFields) ? (o.metadata.managedFields as Dict[]) : [];
  return raw
    .filter(
      (e) =>
        typeof e.manager === 'string' && isMap(e.fieldsV1) && (e.subresource === undefined || e.subresource === ''),
    )
    .map((e) => ({
      manager: e.manager as string,
      operation: String(e.operation ?? ''),
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      fields: e.fieldsV1 as FieldSet,
    }));
}

// Fields nobody compares: status, kubectl's client-side bookkeeping, and the tracking
// metadata Argo CD adds to what it applies (so it owns them though git never sets them).
const NOISE = new Set([
  'f:status',
  'f:metadata/f:resourceVersion',
  'f:metadata/f:annotations/f:kubectl.kubernetes.io/last-applied-configuration',
  'f:metadata/f:annotations/f:argocd.argoproj.io/tracking-id',
  'f:metadata/f:annotations/f:argocd.argoproj.io/installation-id',
]);

// Maps whose keys are data, not schema: an added label or ConfigMap key is its own change.
const OPEN_MAPS = new Set(['f:labels', 'f:annotations', 'f:data', 'f:stringData', 'f:binaryData']);

/** Whether an absent subtree is reported key by key rather than as one change. */
function splitAbsent(path: readonly string[]): boolean {
  const prefix = `${path.join('/')}/`;
  return OPEN_MAPS.has(path[path.length - 1]!) || [...NOISE].some((n) => n.startsWith(prefix));
}

/** git's node for a segment; list keys compare as values, so key order in the JSON does not matter. */
function gitNode(git: FieldSet, seg: string): FieldSet | undefined {
  if (git[seg] !== undefined || !seg.startsWith('k:')) return git[seg];
  const wanted = JSON.parse(seg.slice(2)) as Dict;
  const same = (k: string) => {
    const key = JSON.parse(k.slice(2)) as Dict;
    const names = Object.keys(wanted);
    return names.length === Object.keys(key).length && names.every((n) => key[n] === wanted[n]);
  };
  const match = Object.keys(git).find((k) => k.startsWith('k:') && same(k));
  return match === undefined ? undefined : git[match];
}

/**
 * Paths (as fieldsV1 segments) that `owned` has and `git` does not; a subtree absent from
 * git is one path. Where git has a leaf, git sets that whole value (an atomic list or
 * map), so nothing under it is outside git.
 */
export function subtractFieldSets(owned: FieldSet, git: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const seg of Object.keys(owned).sort()) {
    if (seg === '.') continue;
    const path = [...prefix, seg];
    if (NOISE.has(path.join('/'))) continue;
    const theirs = gitNode(git, seg);
    // An absent subtree is one change, unless it is an open map or holds noise to leave out.
    if (theirs === undefined && splitAbsent(path)) out.push(...subtractFieldSets(owned[seg]!, {}, path));
    else if (theirs === undefined) out.push(path);
    else if (!isLeaf(theirs)) out.push(...subtractFieldSets(owned[seg]!, theirs, path));
  }
  return out;
}

/** Follows fieldsV1 segments through an object: the value there and a readable path. */
function resolvePath(o: unknown, segments: readonly string[]): { value: unknown; path: Seg[] } {
  let value: unknown = o;
  const path: Seg[] = [];
  for (const seg of segments) {
    const body = seg.slice(2);
    if (seg.startsWith('f:')) {
      value = isMap(value) ? value[body] : undefined;
      path.push(body);
    } else if (seg.startsWith('k:')) {
      const key = JSON.parse(body) as Dict;
      value = Array.isArray(value) ? value.find((i) => itemMatches(i, key)) : undefined;
      path.push({ key });
    } else if (seg.startsWith('v:')) {
      const item: unknown = JSON.parse(body);
      value = Array.isArray(value) && value.some((i) => JSON.stringify(i) === body) ? item : undefined;
      path.push(body);
    } else {
      const index = Number(body);
      value = Array.isArray(value) ? value[index] : undefined;
      path.push({ index });
    }
  }
  return { value, path };
}

function isSecretValue(o: KubeObject, segments: readonly string[]): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1' && (segments[0] === 'f:data' || segments[0] === 'f:stringData');
}

function changeAt(
  live: KubeObject,
  segments: string[],
  entry: ManagedEntry,
  origin: FieldChange['origin'],
): FieldChange | undefined {
  const { value, path } = resolvePath(live, segments);
  // managedFields can name a field the object no longer has (removed since): nothing to show.
  if (value === undefined || value === null) return undefined;
  const change: FieldChange = { path: formatPath(path), op: 'extra', origin, manager: entry.manager };
  if (entry.time) change.time = entry.time;
  if (isSecretValue(live, segments)) change.masked = true;
  else change.live = value;
  return change;
}

/**
 * Fields in the live object that git does not set, attributed through managedFields:
 * added by a manager that is not trusted (a person's tool), or still owned by the sync
 * manager although git no longer sets them (Argo CD would prune them on the next sync
 * with server-side apply). `git` is the set of fields git sets on this object.
 */
export function fieldsOutsideGit(live: KubeObject, git: FieldSet, policy: OwnerPolicy): FieldChange[] {
  const out: FieldChange[] = [];
  const seen = new Set<string>();
  for (const entry of entries(live)) {
    const removed = entry.manager === policy.syncManager && entry.operation === 'Apply';
    const added =
      !removed && !isTrustedManager(entry.manager, policy.trusted) && !(policy.ignored ?? []).includes(entry.manager);
    if (!removed && !added) continue;
    for (const segments of subtractFieldSets(entry.fields, git)) {
      const change = changeAt(live, segments, entry, removed ? 'removed-from-git' : 'added-outside-git');
      if (!change || seen.has(change.path)) continue;
      seen.add(change.path);
      out.push(change);
    }
  }
  return out;
}
