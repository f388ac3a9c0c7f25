// Builders for the baseline Grafana dashboards. A dashboard module states what it
// shows (title, PromQL, unit); the JSON shape, the panel ids and the grid layout are
// computed here, so every dashboard is laid out the same way and the output is
// deterministic.
import type { ServiceComponent } from '../../contracts.ts';
import type { JsonObject } from '../../yaml.ts';

/** The uid of the provisioned Prometheus datasource every panel queries. */
export const DATASOURCE_UID = 'prometheus';
const DATASOURCE = { type: 'prometheus', uid: DATASOURCE_UID } as const;

/**
 * Grafana migrates older dashboard schemas on load; 39 is understood by every
 * Grafana from 10.4 on, so the JSON does not have to change with each minor release.
 */
const SCHEMA_VERSION = 39;

export interface Query {
  expr: string;
  /** Legend template, e.g. '{{instance}}'. */
  legend?: string;
}

export interface PanelSpec {
  title: string;
  kind: 'stat' | 'timeseries';
  description: string;
  queries: Query[];
  /** Grafana unit id, e.g. 'bytes', 'percentunit', 'reqps', 's'. */
  unit?: string;
  /** A stat that is healthy at 1 or more and red below (e.g. up, pg_up). */
  health?: boolean;
}

export interface DashboardSpec {
  component: ServiceComponent;
  uid: string;
  title: string;
  description: string;
  panels: PanelSpec[];
}

/** `metric{job="<component>",extra}`: every query is scoped to the component's scrape job. */
export function sel(component: ServiceComponent, metric: string, extra = ''): string {
  return `${metric}{job="${component}"${extra ? `,${extra}` : ''}}`;
}

interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

const GRID_WIDTH = 24;
const STAT_HEIGHT = 4;
const SERIES_HEIGHT = 8;

/** Stats share the first row; time series follow two per row. */
export function layout(panels: readonly PanelSpec[]): GridPos[] {
  const stats = panels.filter((p) => p.kind === 'stat').length;
  const statWidth = stats ? Math.floor(GRID_WIDTH / stats) : 0;
  let statIndex = 0;
  let seriesIndex = 0;
  const seriesTop = stats ? STAT_HEIGHT : 0;
  return panels.map((p) => {
    if (p.kind === 'stat') {
      return { h: STAT_HEIGHT, w: statWidth, x: statWidth * statIndex++, y: 0 };
    }
    const i = seriesIndex++;
    return {
      h: SERIES_HEIGHT,
      w: GRID_WIDTH / 2,
      x: (i % 2) * (GRID_WIDTH / 2),
      y: seriesTop + Math.floor(i / 2) * SERIES_HEIGHT,
    };
  });
}

function thresholds(health: boolean | undefined): JsonObject {
  const steps = health
    ? [
        { color: 'red', value: null },
        { color: 'green', value: 1 },
      ]
    : [{ color: 'green', value: null }];
  return { mode: 'absolute', steps };
}

function options(p: PanelSpec): JsonObject {
  if (p.kind === 'stat') {
    return {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: p.health ? 'background' : 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    };
  }
  return {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  };
}

function panel(p: PanelSpec, id: number, gridPos: GridPos): JsonObject {
  const targets = p.queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: { ...DATASOURCE },
    expr: q.expr,
    legendFormat: q.legend ?? '__auto',
    range: p.kind === 'timeseries',
    instant: p.kind === 'stat',
  }));
  const defaults: JsonObject = { thresholds: thresholds(p.health), unit: p.unit ?? 'short' };
  if (p.kind === 'timeseries')
    defaults.custom = { drawStyle: 'line', fillOpacity: 10, lineWidth: 1, showPoints: 'never' };
  return {
    id,
    type: p.kind,
    title: p.title,
    description: p.description,
    datasource: { ...DATASOURCE },
    gridPos: { ...gridPos },
    fieldConfig: { defaults, overrides: [] },
    options: options(p),
    targets,
  };
}

/** The dashboard JSON Grafana's file provider loads. */
export function buildDashboard(d: DashboardSpec): JsonObject {
  const grid = layout(d.panels);
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['soma', 'shared-infra', d.component],
    editable: false,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    templating: { list: [] },
    annotations: { list: [] },
    links: [],
    version: 1,
    panels: d.panels.map((p, i) => panel(p, i + 1, grid[i]!)),
  };
}
