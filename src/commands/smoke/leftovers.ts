// Namespaces of earlier smoke runs that never cleaned up (Ctrl-C ends the process before
// its `finally`): they hold copies of credentials and the label that lets them reach the
// shared infra, so every run deletes them first. A run's namespaces say until when the run
// can still be going; before that they may belong to a run in progress elsewhere, and stay.
import type { LiveCluster } from '../../adapters/kube-live.ts';
import type { KubeObject } from '../../core/kube.ts';
import { LABELS } from '../../core/names.ts';
import { SMOKE_EXPIRES_ANNOTATION, SMOKE_MANAGED_BY, SMOKE_RUN_LABEL } from './job.ts';

/** Checks that run at once (each check's Jobs run together). */
export const CHECK_CONCURRENCY = 4;
// Namespaces from before runs recorded their end: treated as ending an hour after creation.
const UNRECORDED_BOUND_MS = 60 * 60_000;

/** The latest a run can still be going: its checks in batches, each Job up to the timeout, plus slack. */
export function runBoundMs(checks: number, timeoutMs: number): number {
  return Math.ceil(Math.max(1, checks) / CHECK_CONCURRENCY) * (timeoutMs + 30_000) + 120_000;
}

export interface Leftover {
  namespace: string;
  run: string;
  /** ISO time after which the run cannot be going any more. */
  until: string;
}

/** Which smoke namespaces to delete now and which may belong to a run still going. Pure. */
export function planLeftovers(
  namespaces: readonly KubeObject[],
  runId: string,
  now: number,
): { remove: Leftover[]; keep: Leftover[] } {
  const remove: Leftover[] = [];
  const keep: Leftover[] = [];
  for (const ns of namespaces) {
    const { name, labels, annotations, creationTimestamp, deletionTimestamp } = ns.metadata;
    const run = labels?.[SMOKE_RUN_LABEL] ?? '';
    if (deletionTimestamp || run === runId) continue; // already going; or this run's own (same fixed id)
    const recorded = Date.parse(annotations?.[SMOKE_EXPIRES_ANNOTATION] ?? '');
    const created = Date.parse(String(creationTimestamp ?? ''));
    const until = Number.isFinite(recorded) ? recorded : Number.isFinite(created) ? created + UNRECORDED_BOUND_MS : now;
    (until <= now ? remove : keep).push({ namespace: name, run, until: new Date(until).toISOString() });
  }
  const byName = (a: Leftover, b: Leftover) => (a.namespace < b.namespace ? -1 : 1);
  return { remove: remove.sort(byName), keep: keep.sort(byName) };
}

/** Deletes what earlier runs left behind and says so; returns what it deleted and what it left alone. */
export async function cleanLeftovers(
  live: LiveCluster,
  runId: string,
  now: number,
  say: (line: string) => void,
): Promise<{ deleted: string[]; kept: Leftover[] }> {
  const namespaces = await live.list('v1', 'Namespace', { labelSelector: `${LABELS.managedBy}=${SMOKE_MANAGED_BY}` });
  const { remove, keep } = planLeftovers(namespaces, runId, now);
  for (const l of remove) await live.delete('v1', 'Namespace', l.namespace);
  if (remove.length)
    say(
      `deleted ${remove.length} namespace(s) left by earlier smoke runs: ${remove.map((l) => l.namespace).join(', ')}`,
    );
  for (const run of [...new Set(keep.map((l) => l.run))]) {
    const mine = keep.filter((l) => l.run === run);
    say(
      `left ${mine.map((l) => l.namespace).join(', ')} alone: smoke run ${run} may still be going (until ${mine[0]!.until}); a later run deletes them, or now: kubectl --context ${live.context} delete namespace -l ${SMOKE_RUN_LABEL}=${run}`,
    );
  }
  return { deleted: remove.map((l) => l.namespace), kept: keep };
}
