// The baseline dashboards Grafana provisions: each component's spec names its own
// (`ComponentSpec.dashboard`); Grafana ships the files of all of them.
import { buildDashboard, type DashboardSpec } from './panels.ts';

export { DATASOURCE_UID } from './panels.ts';
export type { DashboardSpec } from './panels.ts';

/** Path of a dashboard under Grafana's root URL (the Argo CD link appends it to the cluster's Grafana address). */
export function dashboardPath(uid: string): string {
  return `/d/${uid}`;
}

/** `<uid>.json` → dashboard JSON, the files of the dashboards ConfigMap. */
export function dashboardFiles(dashboards: readonly DashboardSpec[]): Record<string, string> {
  return Object.fromEntries(
    dashboards.map((d) => [`${d.uid}.json`, `${JSON.stringify(buildDashboard(d), null, 2)}\n`]),
  );
}
