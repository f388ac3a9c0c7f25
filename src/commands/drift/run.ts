// `npm run drift`, top to bottom: read both sides (files offline; render + API server live),
// compare, print, exit 1 on drift. Detect-only: nothing is ever written.
import { connectEnds, type LiveEnds } from '../../adapters/cluster-endpoints.ts';
import type { LiveCluster } from '../../adapters/kube-live.ts';
import type { ClusterConfig } from '../../core/cluster-config.ts';
import {
  type DesiredApp,
  type DriftReport,
  type ObjectDrift,
  findOrphans,
  offlineDrift,
  ownedNamespaces,
  ownerPolicyFor,
  renderDriftText,
  sortDrifts,
} from '../../core/drift/index.ts';
import { ConfigError, type Problem } from '../../core/errors.ts';
import { LABELS, MANAGED_BY } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import type { Deps } from '../../cli/deps.ts';
import { readBootstrapApplied, readLocallyProvided, readObjects } from './files.ts';
import { bootstrapCreated, readObjectDrift, readOrphanCandidates } from './live.ts';
import type { DriftOptions } from './options.ts';

/** Returns the exit code: 0 no drift, 1 drift. */
export async function runDrift(options: DriftOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  let report: DriftReport;
  if (options.mode === 'offline') {
    report = await offlineReport(io.cwd, options.desired, options.live);
  } else {
    const ends = await connectEnds(io.root, deps.connectLive, options);
    const hub = ends.argocd !== ends.target ? ` (its Argo CD objects with hub context '${ends.argocd.context}')` : '';
    io.stderr(`comparing cluster '${ends.cluster.name}' with context '${ends.target.context}'${hub}\n`);
    report = await liveReport(deps, ends);
  }
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDriftText(report));
  return report.drifts.length ? 1 : 0;
}

/** Offline: objects from two sets of files, compared with a normalisation of server-filled fields. */
async function offlineReport(cwd: string, desiredFiles: string[], liveFiles: string[]): Promise<DriftReport> {
  const problems: Problem[] = [];
  const desired = await readObjects(cwd, desiredFiles, problems);
  const live = await readObjects(cwd, liveFiles, problems);
  if (problems.length)
    throw new ConfigError(
      `cannot read the input (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
      problems,
    );
  return offlineDrift(desired, live);
}

/** One API server and the desired apps that live there, compared object by object, then for orphans. */
interface Side {
  live: LiveCluster;
  apps: DesiredApp[];
  /** Objects bootstrap (not git) creates there, by `Kind/namespace/name`. */
  provided: Set<string>;
}

/** Live: render what git says, ask each server for its part, then look for orphans on each. */
async function liveReport({ io, repo, runner }: Deps, ends: LiveEnds): Promise<DriftReport> {
  const { cluster } = ends;
  const rendered = await repo.renderApps(io.root, await repo.listApplications(io.root, cluster), {
    runner,
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  const skipped = rendered.filter((r) => r.skipped);
  const sides = splitSides(ends, [
    await readBootstrapApplied(io.root, cluster),
    ...rendered.filter((r) => !r.skipped).map((r) => ({ app: r.app, component: r.component, objects: r.objects })),
  ]);
  for (const s of sides)
    if (s.live === ends.argocd) for (const k of await readLocallyProvided(io.root, s.live, skipped)) s.provided.add(k);
  const policy = ownerPolicyFor(cluster.drift?.trustedManagers);
  const drifts: ObjectDrift[] = [];
  const skippedApps = new Set(skipped.map((r) => r.app));
  for (const side of sides) drifts.push(...(await compareSide(io, side, cluster, policy, skippedApps)));
  return {
    mode: 'server-side',
    cluster: cluster.name,
    compared: sides.reduce((n, s) => n + s.apps.reduce((m, a) => m + a.objects.length, 0), 0),
    drifts: sortDrifts(drifts),
    skipped: skipped.map((r) => ({ app: r.app, reason: r.skipped! })),
  };
}

/**
 * Where each desired app lives: the root app and Argo CD's own objects with the Argo CD that
 * owns them, the components with the cluster. One side when the cluster is standalone.
 */
function splitSides(ends: LiveEnds, apps: DesiredApp[]): Side[] {
  const made = bootstrapCreated(ends.cluster, ends.all);
  if (ends.argocd === ends.target)
    return [{ live: ends.target, apps, provided: new Set([...made.target, ...made.argocd]) }];
  const atArgo = (a: DesiredApp) => a.component === 'root' || a.component === 'argocd';
  return [
    { live: ends.argocd, apps: apps.filter(atArgo), provided: made.argocd },
    { live: ends.target, apps: apps.filter((a) => !atArgo(a)), provided: made.target },
  ];
}

async function compareSide(
  io: Deps['io'],
  side: Side,
  cluster: ClusterConfig,
  policy: ReturnType<typeof ownerPolicyFor>,
  skippedApps: Set<string>,
): Promise<ObjectDrift[]> {
  const drifts: ObjectDrift[] = [];
  for (const app of side.apps) {
    const found = await mapLimit(app.objects, 8, (o) => readObjectDrift(side.live, app.app, o, policy));
    drifts.push(...found.filter((d): d is ObjectDrift => d !== undefined));
    io.stderr(`compared ${app.app}: ${app.objects.length} objects, ${found.filter(Boolean).length} drifted\n`);
  }
  const owned = ownedNamespaces(side.apps);
  // On a hub, the Applications and Secrets of the clusters it manages are theirs, not orphans of this one.
  const candidates = (await readOrphanCandidates(side.live, side.apps, owned)).filter(
    (o) => (o.metadata.labels?.[LABELS.cluster] ?? cluster.name) === cluster.name,
  );
  drifts.push(
    ...findOrphans(side.apps, candidates, {
      ownedNamespaces: owned,
      provided: side.provided,
      managedBy: MANAGED_BY,
      skippedApps,
    }),
  );
  return drifts;
}
