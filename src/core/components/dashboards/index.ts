// The baseline dashboards Grafana provisions, and their uids for the Argo CD UI links.
import type { ServiceComponent } from '../../contracts.ts';
import { kafkaDashboard } from './kafka.ts';
import { opaDashboard } from './opa.ts';
import { buildDashboard, type DashboardSpec } from './panels.ts';
import { postgresDashboard } from './postgres.ts';
import { redisDashboard } from './redis.ts';
import { vaultDashboard } from './vault.ts';

export { DATASOURCE_UID } from './panels.ts';
export type { DashboardSpec } from './panels.ts';

export const DASHBOARDS: readonly DashboardSpec[] = [
  postgresDashboard,
  kafkaDashboard,
  redisDashboard,
  opaDashboard,
  vaultDashboard,
];

/** Dashboard uid per component that has one: what `Component.dashboardUid` must be. */
export const DASHBOARD_UIDS: Readonly<Partial<Record<ServiceComponent, string>>> = Object.fromEntries(
  DASHBOARDS.map((d) => [d.component, d.uid]),
);

/** Path of a dashboard under Grafana's root URL (the Argo CD link appends it to the cluster's Grafana address). */
export function dashboardPath(uid: string): string {
  return `/d/${uid}`;
}

/** `<uid>.json` → dashboard JSON, the files of the dashboards ConfigMap. */
export function dashboardFiles(): Record<string, string> {
  return Object.fromEntries(
    DASHBOARDS.map((d) => [`${d.uid}.json`, `${JSON.stringify(buildDashboard(d), null, 2)}\n`]),
  );
}
