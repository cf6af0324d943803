import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

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

interface DatasourceRef {
  type: "prometheus";
  uid: "${datasource}";
}

/** What a panel shows; the builder places it and fills Grafana's boilerplate. */
interface PanelSpec {
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
}

const DS: DatasourceRef = { type: "prometheus", uid: "${datasource}" };

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
  if (spec.noValue) defaults.noValue = spec.noValue;
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    gridPos,
    datasource: DS,
    targets: spec.queries.map(([expr, legend], i) => ({
      refId: String.fromCharCode(65 + i),
      expr,
      legendFormat: legend,
      instant: table,
      range: !table,
      format: table ? "table" : "time_series",
      datasource: DS,
    })),
    fieldConfig: { defaults, overrides: [] },
    options: optionsOf(spec),
  };
}

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

function variables(multiOrg: boolean): unknown[] {
  const definition = "label_values(orgwatch_org_up, org)";
  return [
    {
      name: "datasource",
      label: "Data source",
      type: "datasource",
      query: "prometheus",
      current: {},
      hide: 0,
    },
    {
      name: "org",
      label: "Org",
      type: "query",
      datasource: DS,
      definition,
      query: { query: definition, refId: "PrometheusVariableQueryEditor-VariableQuery" },
      refresh: 2,
      sort: 1,
      multi: multiOrg,
      includeAll: multiOrg,
      ...(multiOrg ? { allValue: ".+" } : {}),
      current: {},
      hide: 0,
    },
  ];
}

function dashboard(uid: string, title: string, specs: PanelSpec[], multiOrg: boolean): Dashboard {
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

type Query = [expr: string, legend: string];

const stat = (title: string, description: string, expr: string, unit = "short"): PanelSpec => ({
  type: "stat",
  title,
  description,
  queries: [[expr, ""]],
  unit,
  width: 6,
  height: 4,
});

const series = (
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

const table = (
  title: string,
  description: string,
  unit: string,
  query: Query,
  width = 12,
): PanelSpec => ({
  type: "table",
  table: true,
  title,
  description,
  unit,
  width,
  queries: [query],
});

const rate = (metric: string, by: string): string =>
  `sum by (${by}) (rate(${metric}[$__rate_interval]))`;

const quantile = (q: number, metric: string, by: string): string =>
  `histogram_quantile(${q}, sum by (${by}) (rate(${metric}[$__rate_interval])))`;

const STAGE_P95: Query = [
  quantile(0.95, "orgwatch_stage_duration_seconds_bucket", "stage, le"),
  "{{stage}}",
];

/** The fleet overview: states, causes, worst orgs, scheduler and budgets. */
export function fleetDashboard(): Dashboard {
  const sel = '{org=~"$org"}';
  return dashboard(
    "orgwatch-fleet",
    "orgwatch / Fleet",
    [
      stat(
        "Healthy orgs",
        "Orgs whose last verdict is healthy.",
        'sum(orgwatch_orgs{state="healthy"})',
      ),
      stat("Unhealthy orgs", "Orgs failing their checks.", 'sum(orgwatch_orgs{state="unhealthy"})'),
      stat(
        "Orgs not yet checked",
        "Orgs without a verdict yet.",
        'sum(orgwatch_orgs{state="unknown"})',
      ),
      stat(
        "Orgs in back-off",
        "Orgs checked less often after repeated failures.",
        "sum(orgwatch_orgs_backoff)",
      ),
      series("Orgs by state", "Configured orgs by health state.", "short", [
        "sum by (state) (orgwatch_orgs)",
        "{{state}}",
      ]),
      series(
        "Unhealthy orgs by cause",
        "The cause timeline: orgs failing with each root cause.",
        "short",
        ["sum by (cause) (orgwatch_orgs_by_cause) > 0", "{{cause}}"],
      ),
      table("Worst orgs", "Share of the time range each org was unhealthy.", "percentunit", [
        `topk(20, 1 - avg_over_time(orgwatch_org_up${sel}[$__range]))`,
        "{{org}}",
      ]),
      table("Unhealthy orgs now", "Every failing org and its root cause.", "short", [
        `max by (org, cause) (orgwatch_org_cause${sel})`,
        "{{org}} {{cause}}",
      ]),
      series("Failing passes by cause", "Unhealthy passes per second, by root cause.", "ops", [
        rate("orgwatch_check_failures_total", "cause"),
        "{{cause}}",
      ]),
      series(
        "Checks by result",
        "Passes per second: healthy, unhealthy, error (could not run).",
        "ops",
        [rate("orgwatch_checks_total", "result"), "{{result}}"],
      ),
      series(
        "Scheduler lag",
        "How late checks start after they are due.",
        "s",
        [quantile(0.5, "orgwatch_scheduler_lag_seconds_bucket", "le"), "p50"],
        [quantile(0.95, "orgwatch_scheduler_lag_seconds_bucket", "le"), "p95"],
      ),
      series(
        "Stage duration p95",
        "95th percentile duration of each stage across the fleet.",
        "s",
        STAGE_P95,
      ),
      series("Stage results", "Stage outcomes per second.", "ops", [
        rate("orgwatch_stage_results_total", "stage, result"),
        "{{stage}} {{result}}",
      ]),
      series(
        "Budget skips and token requests",
        "Checks skipped to protect a budget; token requests sent.",
        "ops",
        [rate("orgwatch_budget_skips_total", "reason"), "skip: {{reason}}"],
        ["sum(rate(orgwatch_login_requests_total[$__rate_interval]))", "token requests"],
      ),
      table(
        "Orgs nearest their login budget",
        "Share of the hourly login budget used.",
        "percentunit",
        [
          `topk(10, orgwatch_org_login_budget_used${sel} / orgwatch_org_login_budget_limit${sel})`,
          "{{org}}",
        ],
        8,
      ),
      table(
        "Orgs with least API headroom",
        "Share of DailyApiRequests left.",
        "percentunit",
        [
          `bottomk(10, 1 - orgwatch_org_api_requests_used${sel} / orgwatch_org_api_requests_limit${sel})`,
          "{{org}}",
        ],
        8,
      ),
      table(
        "Certificates expiring soonest",
        "Time left before each org's certificate expires.",
        "s",
        [
          `bottomk(10, orgwatch_org_certificate_expiry_timestamp_seconds${sel} - time())`,
          "{{org}}",
        ],
        8,
      ),
    ],
    true,
  );
}

/** The org detail: health, cause history, durations, API headroom, login budget, certificate. */
export function orgDashboard(): Dashboard {
  const o = '{org="$org"}';
  const upMappings = [
    {
      type: "value",
      options: {
        "0": { text: "Unhealthy", color: "red" },
        "1": { text: "Healthy", color: "green" },
      },
    },
  ];
  const timeline = (title: string, description: string, query: Query): PanelSpec => ({
    type: "state-timeline",
    title,
    description,
    width: 24,
    height: 5,
    queries: [query],
  });
  return dashboard(
    "orgwatch-org",
    "orgwatch / Org",
    [
      {
        ...stat("Health", "The org's last verdict.", `orgwatch_org_up${o}`),
        mappings: upMappings,
        noValue: "Not checked yet",
      },
      {
        ...stat("Current cause", "Root cause while unhealthy.", `orgwatch_org_cause${o}`),
        queries: [[`orgwatch_org_cause${o}`, "{{cause}}"]],
        textMode: "name",
        noValue: "None (healthy)",
      },
      stat(
        "Last check",
        "Time since the last pass finished.",
        `time() - orgwatch_org_last_check_timestamp_seconds${o}`,
        "s",
      ),
      stat(
        "Certificate expires in",
        "Time left before the certificate expires.",
        `orgwatch_org_certificate_expiry_timestamp_seconds${o} - time()`,
        "s",
      ),
      {
        ...timeline("Health", "Healthy or unhealthy over time.", [`orgwatch_org_up${o}`, "health"]),
        mappings: upMappings,
      },
      timeline("Cause history", "Which root cause the org failed with, over time.", [
        `orgwatch_org_cause${o}`,
        "{{cause}}",
      ]),
      series("Token exchange duration", "The org's last token exchange duration.", "s", [
        `orgwatch_org_token_duration_seconds${o}`,
        "token",
      ]),
      series(
        "Stage duration p95 (fleet)",
        "Fleet-wide stage durations for comparison.",
        "s",
        STAGE_P95,
      ),
      series(
        "API requests (rolling 24 h)",
        "DailyApiRequests used and its maximum.",
        "short",
        [`orgwatch_org_api_requests_used${o}`, "used"],
        [`orgwatch_org_api_requests_limit${o}`, "limit"],
      ),
      series(
        "API headroom",
        "Share of DailyApiRequests left; orgwatch alerts below 10%.",
        "percentunit",
        [
          `1 - orgwatch_org_api_requests_used${o} / orgwatch_org_api_requests_limit${o}`,
          "headroom",
        ],
      ),
      series(
        "Login budget (last hour)",
        "Token requests orgwatch sent for this org's user, and its budget.",
        "short",
        [`orgwatch_org_login_budget_used${o}`, "used"],
        [`orgwatch_org_login_budget_limit${o}`, "limit"],
      ),
      series(
        "Back-off and last success",
        "Back-off steps, and time since the last healthy pass.",
        "short",
        [`orgwatch_org_backoff_level${o}`, "back-off level"],
        [`time() - orgwatch_org_last_success_timestamp_seconds${o}`, "seconds since success"],
      ),
    ],
    false,
  );
}

/** Every generated dashboard by file name. */
export function buildDashboards(): Record<string, Dashboard> {
  return { "orgwatch-fleet.json": fleetDashboard(), "orgwatch-org.json": orgDashboard() };
}

/** The exact file text written for a dashboard. */
export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Writes every dashboard into `dir`; returns the paths written. */
export function writeDashboards(dir = resolve("grafana/dashboards")): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(buildDashboards()).map(([name, d]) => {
    const path = join(dir, name);
    writeFileSync(path, renderDashboard(d));
    return path;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of writeDashboards()) console.log(`wrote ${path}`);
}
