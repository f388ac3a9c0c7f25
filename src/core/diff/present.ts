// Wording shared by the Markdown and terminal formats, so both say the same thing.
import type { AppDiff, ClusterDiff, DiffReport, Impact, ObjectDiff, Severity } from './types.ts';

export function revisionLabel(side: { ref: string; sha?: string }): string {
  if (!side.sha) return side.ref;
  return side.sha.startsWith(side.ref) ? side.sha.slice(0, 7) : `${side.ref} (${side.sha.slice(0, 7)})`;
}

export function lines(added: number, removed: number): string {
  return `+${added} -${removed}`;
}

export interface Totals {
  clusters: number;
  apps: number;
  appsChanged: number;
  objectsChanged: number;
  linesAdded: number;
  linesRemoved: number;
}

export function totals(report: DiffReport): Totals {
  const apps = report.clusters.flatMap((c) => c.apps);
  const changed = apps.filter((a) => a.status !== 'unchanged');
  return {
    clusters: report.clusters.length,
    apps: apps.length,
    appsChanged: changed.length,
    objectsChanged: apps.reduce((n, a) => n + a.objects.length, 0),
    linesAdded: apps.reduce((n, a) => n + a.linesAdded, 0),
    linesRemoved: apps.reduce((n, a) => n + a.linesRemoved, 0),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function headline(report: DiffReport): string {
  const t = totals(report);
  if (!report.changed) {
    return `No changes to the rendered manifests: ${plural(t.apps, 'Application')} in ${plural(t.clusters, 'cluster')} compared.`;
  }
  return `${plural(t.appsChanged, 'Application')} of ${t.apps} in ${plural(t.clusters, 'cluster')} changed: ${plural(t.objectsChanged, 'object')}, ${lines(t.linesAdded, t.linesRemoved)} lines.`;
}

/** One row per cluster: [cluster, environment, apps +/-/~, objects +/-/~, lines]. */
export function summaryRows(report: DiffReport): string[][] {
  return report.clusters.map((c) => {
    const s = c.summary;
    const name = c.status ? `${c.cluster} (${c.status})` : c.cluster;
    const notRendered = s.apps.notRendered ? ` (${s.apps.notRendered} not rendered)` : '';
    return [
      name,
      c.environment,
      `${s.apps.added} / ${s.apps.removed} / ${s.apps.changed}${notRendered}`,
      `${s.objects.added} / ${s.objects.removed} / ${s.objects.changed}`,
      lines(s.linesAdded, s.linesRemoved),
    ];
  });
}

export const SUMMARY_HEADER = [
  'cluster',
  'env',
  'Applications added / removed / changed',
  'objects added / removed / changed',
  'lines',
];

export function appStatusText(app: AppDiff): string {
  const n = app.objects.length;
  switch (app.status) {
    case 'not-rendered':
      return 'inputs changed, not rendered';
    case 'added':
      return `new Application, ${plural(n, 'object')}`;
    case 'removed':
      return `Application removed, ${plural(n, 'object')} pruned`;
    case 'unchanged':
      return 'unchanged';
    case 'changed':
      return (['changed', 'added', 'removed'] as const)
        .map((s) => [s, app.objects.filter((o) => o.status === s).length] as const)
        .filter(([, k]) => k > 0)
        .map(([s, k]) => `${plural(k, 'object')} ${s}`)
        .join(', ');
  }
}

export interface Attention {
  severity: Severity;
  where: string;
  message: string;
}

const RANK: Record<Severity, number> = { danger: 0, warning: 1, info: 2 };

/**
 * The changes a reviewer must not miss (danger and warning impacts), most serious first.
 * A removed Application is one line, not one per pruned object.
 */
export function attentionItems(report: DiffReport): Attention[] {
  const items: Attention[] = [];
  for (const c of report.clusters) {
    for (const app of c.apps) {
      if (app.status === 'not-rendered') {
        items.push({
          severity: 'warning',
          where: `${c.cluster} · ${app.app}`,
          message: `inputs changed but were not rendered (${app.skipped ?? 'no reason given'}): review ${app.changedInputs?.join(', ') ?? 'its files'} by hand`,
        });
      }
      if (app.status === 'removed') {
        items.push({
          severity: 'warning',
          where: `${c.cluster} · ${app.app}`,
          message: `Application removed: Argo CD prunes its ${plural(app.objects.length, 'object')}`,
        });
      }
      for (const o of app.objects) {
        for (const i of o.impacts) {
          if (i.severity === 'info' || (app.status === 'removed' && i.kind === 'prune' && i.severity === 'warning'))
            continue;
          items.push({ severity: i.severity, where: `${c.cluster} · ${app.app} · ${o.ref}`, message: i.message });
        }
      }
    }
  }
  return items.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

export function impactLabel(i: Impact): string {
  return { danger: 'DANGER', warning: 'warning', info: 'info' }[i.severity];
}

export function secretKeysText(o: ObjectDiff): string | undefined {
  const k = o.secretKeys;
  if (!k) return undefined;
  const parts = [
    k.added.length ? `added ${k.added.join(', ')}` : '',
    k.removed.length ? `removed ${k.removed.join(', ')}` : '',
    k.changed.length ? `changed ${k.changed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length
    ? `Secret keys ${parts.join('; ')} (values compared by hash, never shown)`
    : 'Secret values unchanged';
}

export function changedApps(cluster: ClusterDiff): AppDiff[] {
  return cluster.apps.filter((a) => a.status !== 'unchanged');
}
