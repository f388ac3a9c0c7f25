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

/**
 * Every service component says whether it has a baseline dashboard: a component added to
 * COMPONENT_NAMES without a decision here does not compile. `null` = none (yet).
 */
const BY_COMPONENT: Record<ServiceComponent, DashboardSpec | null> = {
  postgres: postgresDashboard,
  kafka: kafkaDashboard,
  redis: redisDashboard,
  opa: opaDashboard,
  vault: vaultDashboard,
  // etcd, qdrant and openfga: no baseline dashboard yet; prometheus and grafana are the monitoring itself.
  etcd: null,
  qdrant: null,
  openfga: null,
  prometheus: null,
  grafana: null,
};

export const DASHBOARDS: readonly DashboardSpec[] = Object.values(BY_COMPONENT).filter((d) => d !== null);

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
