/** Typed builders for the generated Grafana dashboards: panels, layout, variables. */
import { ORG_LINK, PER_ORG_NO_VALUE, perOrgQuery, scoped, SCOPE } from "./queries.js";

/** One Prometheus query of a panel. */
export interface Target {
  refId: string;
  expr: string;
  legendFormat: string;
  instant: boolean;
  range: boolean;
  format: "time_series" | "table";
  datasource: DatasourceRef;
}

/** A Grafana panel as written to the dashboard JSON. */
export interface Panel {
  id: number;
  type: "timeseries" | "stat" | "table" | "state-timeline";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: DatasourceRef;
  targets: Target[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
  transformations?: unknown[];
}

/** A Grafana dashboard (schema 39). */
export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: "browser";
  schemaVersion: 39;
  version: 1;
  editable: true;
  refresh: "1m";
  time: { from: string; to: string };
  templating: { list: unknown[] };
  links: unknown[];
  annotations: { list: unknown[] };
  panels: Panel[];
}

export interface DatasourceRef {
  type: "prometheus";
  uid: "${datasource}";
}

/** What a panel shows; the builder places it and fills Grafana's boilerplate. */
export interface PanelSpec {
  type: Panel["type"];
  title: string;
  description: string;
  queries: [expr: string, legend: string][];
  unit?: string;
  width?: number;
  height?: number;
  /** Instant table of the latest values. */
  table?: boolean;
  mappings?: unknown[];
  noValue?: string;
  /** For stat panels: show the series name (a cause) instead of the value. */
  textMode?: "auto" | "name";
  /** For tables with an `org` column: each row links to that org's dashboard. */
  orgLink?: boolean;
}

export const DS: DatasourceRef = { type: "prometheus", uid: "${datasource}" };

function optionsOf(spec: PanelSpec): Record<string, unknown> {
  if (spec.table) return { showHeader: true, sortBy: [{ displayName: "Value", desc: true }] };
  if (spec.type === "stat") {
    const reduceOptions = { calcs: ["lastNotNull"], fields: "", values: false };
    return { reduceOptions, textMode: spec.textMode ?? "auto", colorMode: "value" };
  }
  return { legend: { displayMode: "list", placement: "bottom", showLegend: true } };
}

function panelOf(spec: PanelSpec, id: number, gridPos: Panel["gridPos"]): Panel {
  const table = spec.table ?? false;
  const defaults: Record<string, unknown> = { unit: spec.unit ?? "short" };
  if (spec.mappings) defaults.mappings = spec.mappings;
  const perOrg = spec.queries.some(([expr]) => perOrgQuery(expr));
  const noValue = spec.noValue ?? (perOrg ? PER_ORG_NO_VALUE : undefined);
  if (noValue) defaults.noValue = noValue;
  if (spec.orgLink) defaults.links = [ORG_LINK];
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    gridPos,
    datasource: DS,
    targets: spec.queries.map(([expr, legend], i) => ({
      refId: String.fromCharCode(65 + i),
      expr: scoped(expr),
      legendFormat: legend,
      instant: table,
      range: !table,
      format: table ? "table" : "time_series",
      datasource: DS,
    })),
    fieldConfig: { defaults, overrides: [] },
    options: optionsOf(spec),
    // Tables hide the scrape labels: one job and instance are chosen above.
    ...(table ? { transformations: [HIDE_SCRAPE_COLUMNS] } : {}),
  };
}

const HIDE_SCRAPE_COLUMNS = {
  id: "organize",
  options: { excludeByName: { Time: true, job: true, instance: true, __name__: true } },
};

/** Lays panels out left to right in rows 24 units wide. */
function layout(specs: PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, i) => {
    const w = spec.width ?? 12;
    const h = spec.height ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panel = panelOf(spec, i + 1, { x, y, w, h });
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return panel;
  });
}

/** A query variable over label values, refreshed when the time range changes. */
function labelVariable(name: string, label: string, definition: string): Record<string, unknown> {
  return {
    name,
    label,
    type: "query",
    datasource: DS,
    definition,
    query: { query: definition, refId: "PrometheusVariableQueryEditor-VariableQuery" },
    refresh: 2,
    sort: 1,
    multi: false,
    includeAll: false,
    current: {},
    hide: 0,
  };
}

/**
 * The instances of the chosen job, except a scale-out coordinator on standby (lease not held):
 * it is the one of an HA pair whose numbers are not the fleet's.
 */
export const INSTANCES =
  'query_result(max by (instance) (orgwatch_orgs{job="$job"}) unless on (instance) (orgwatch_coordinator_lease_held{job="$job"} == 0))';

/**
 * Data source, then one orgwatch (job, instance: an HA pair is two instances with the same orgs,
 * so exactly one is shown), then the org. The org variable lists nothing with `metrics.perOrg:
 * false`; the fleet panels do not use it and the per-org panels say why they are empty.
 */
function variables(multiOrg: boolean): unknown[] {
  const org = labelVariable("org", "Org", `label_values(orgwatch_org_up{${SCOPE}}, org)`);
  return [
    {
      name: "datasource",
      label: "Data source",
      type: "datasource",
      query: "prometheus",
      current: {},
      hide: 0,
    },
    labelVariable("job", "Job", "label_values(orgwatch_orgs, job)"),
    {
      ...labelVariable("instance", "Instance", INSTANCES),
      regex: '/instance="([^"]+)"/',
    },
    multiOrg ? { ...org, multi: true, includeAll: true, allValue: ".+" } : org,
  ];
}

export function dashboard(
  uid: string,
  title: string,
  specs: PanelSpec[],
  multiOrg: boolean,
): Dashboard {
  return {
    uid,
    title,
    tags: ["orgwatch", "salesforce"],
    timezone: "browser",
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    templating: { list: variables(multiOrg) },
    links: [{ title: "orgwatch", type: "dashboards", tags: ["orgwatch"], asDropdown: false }],
    annotations: { list: [] },
    panels: layout(specs),
  };
}

export type Query = [expr: string, legend: string];

export const stat = (
  title: string,
  description: string,
  expr: string,
  unit = "short",
): PanelSpec => ({
  type: "stat",
  title,
  description,
  queries: [[expr, ""]],
  unit,
  width: 6,
  height: 4,
});

export const series = (
  title: string,
  description: string,
  unit: string,
  ...queries: Query[]
): PanelSpec => ({
  type: "timeseries",
  title,
  description,
  unit,
  queries,
});

export const table = (
  title: string,
  description: string,
  unit: string,
  query: Query,
  width = 12,
): PanelSpec => ({
  type: "table",
  table: true,
  orgLink: perOrgQuery(query[0]),
  title,
  description,
  unit,
  width,
  queries: [query],
});

export const rate = (metric: string, by: string): string =>
  `sum by (${by}) (rate(${metric}[$__rate_interval]))`;

export const quantile = (q: number, metric: string, by: string): string =>
  `histogram_quantile(${q}, sum by (${by}) (rate(${metric}[$__rate_interval])))`;

export const STAGE_P95: Query = [
  quantile(0.95, "orgwatch_stage_duration_seconds_bucket", "stage, le"),
  "{{stage}}",
];
