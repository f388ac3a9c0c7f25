// `npm run drift`, top to bottom: read both sides (files offline; render + API server live),
// compare, print, exit 1 on drift. Detect-only: nothing is ever written.
import { type LiveCluster, pickCluster } from '../../adapters/kube-live.ts';
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
import { MANAGED_BY } from '../../core/names.ts';
import { mapLimit } from '../../core/pool.ts';
import type { Deps } from '../../cli/deps.ts';
import { readBootstrapApplied, readLocallyProvided, readObjects } from './files.ts';
import { providedSecrets, readObjectDrift, readOrphanCandidates } from './live.ts';
import type { DriftOptions } from './options.ts';

/** Returns the exit code: 0 no drift, 1 drift. */
export async function runDrift(options: DriftOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  let report: DriftReport;
  if (options.mode === 'offline') {
    report = await offlineReport(io.cwd, options.desired, options.live);
  } else {
    const live = await deps.connectLive(options.context);
    const cluster = await pickCluster(io.root, options.cluster, live.context);
    io.stderr(`comparing cluster '${cluster.name}' with context '${live.context}'\n`);
    report = await liveReport(deps, live, cluster);
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

/** Live: render what git says, ask the server per object, then look for orphans. */
async function liveReport({ io, repo, runner }: Deps, live: LiveCluster, cluster: ClusterConfig): Promise<DriftReport> {
  const rendered = await repo.renderApps(io.root, await repo.listApplications(io.root, cluster), {
    runner,
    onProgress: (done, total, app) => io.stderr(`rendered ${done}/${total} ${app.app}\n`),
  });
  const apps: DesiredApp[] = rendered
    .filter((r) => !r.skipped)
    .map((r) => ({ app: r.app, component: r.component, objects: r.objects }));
  apps.unshift(await readBootstrapApplied(io.root, cluster));
  const drifts: ObjectDrift[] = [];
  // Who may add fields to what git owns without it being drift: controllers, plus the cluster's own list.
  const policy = ownerPolicyFor(cluster.drift?.trustedManagers);
  for (const app of apps) {
    const found = await mapLimit(app.objects, 8, (o) => readObjectDrift(live, app.app, o, policy));
    drifts.push(...found.filter((d): d is ObjectDrift => d !== undefined));
    io.stderr(`compared ${app.app}: ${app.objects.length} objects, ${found.filter(Boolean).length} drifted\n`);
  }
  const owned = ownedNamespaces(apps);
  const skipped = rendered.filter((r) => r.skipped);
  const provided = new Set([...providedSecrets(cluster), ...(await readLocallyProvided(io.root, live, skipped))]);
  const skippedApps = new Set(skipped.map((r) => r.app));
  drifts.push(
    ...findOrphans(apps, await readOrphanCandidates(live, apps, owned), {
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
