import { readFileSync } from "node:fs";
import { Gauge } from "prom-client";
import { INSTANCES } from "../../scripts/grafana/builders.js";
import { CAUSE_IDS, CAUSE_SUMMARIES } from "../../src/domain/causes.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/domain/result.js";
import { startHttpServer, type HttpServer } from "../../src/http/server.js";
import { createMetrics, createRegistry, type OrgMetricsView } from "../../src/metrics/index.js";
import { fakeResult } from "../helpers/store.js";
import { startPrometheus, type PrometheusHandle } from "../helpers/prometheus.js";

const NOW = Date.parse("2026-03-02T10:00:00.000Z");
const FOCUS_ORG = "beta";
const facts = (apiUsed: number) => ({
  apiUsed,
  apiMax: 15000,
  certificateNotAfter: "2026-04-01T00:00:00.000Z",
});

/** Three orgs: healthy, unhealthy (user_inactive) and unhealthy (ip_restricted), all with facts. */
const ORGS: OrgMetricsView[] = [
  {
    id: "acme",
    state: "healthy",
    cause: null,
    backoffLevel: 0,
    lastCheckAt: NOW,
    lastHealthyAt: NOW,
    loginsUsed: 4,
    loginBudget: 36,
  },
  {
    id: "beta",
    state: "unhealthy",
    cause: "user_inactive",
    backoffLevel: 1,
    lastCheckAt: NOW,
    lastHealthyAt: NOW - 3_600_000,
    loginsUsed: 30,
    loginBudget: 36,
  },
  {
    id: "gamma",
    state: "unhealthy",
    cause: "ip_restricted",
    backoffLevel: 0,
    lastCheckAt: NOW,
    lastHealthyAt: NOW - 60_000,
    loginsUsed: 2,
    loginBudget: 36,
  },
];
const RESULTS: CheckResult[] = [
  fakeResult({ orgId: "acme", at: NOW, facts: facts(1000) }),
  fakeResult({ orgId: "beta", at: NOW, cause: "user_inactive", facts: facts(14500) }),
  fakeResult({ orgId: "gamma", at: NOW, cause: "ip_restricted", stage: "rest", facts: facts(200) }),
];

interface DashboardJson {
  title: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

/** The one orgwatch the dashboards are asked about (set once its server listens). */
let instance = "";

/** A query with Grafana's variables substituted (default: the HA pair's first, the focus org). */
function substitute(expr: string, on = instance, org = FOCUS_ORG): string {
  return expr
    .replaceAll("$job", "orgwatch")
    .replaceAll("$instance", on)
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__interval", "15s")
    .replaceAll("$__range", "1h")
    .replaceAll("${org}", org)
    .replaceAll("$org", org)
    .replaceAll("${datasource}", "prometheus")
    .replaceAll("$datasource", "prometheus");
}

/** Every panel query of a dashboard file, as written (variables substituted when run). */
function panelQueries(file: string): { panel: string; expr: string }[] {
  const d = JSON.parse(readFileSync(file, "utf8")) as DashboardJson;
  return d.panels.flatMap((p) =>
    p.targets.map((t) => ({ panel: `${d.title} / ${p.title}`, expr: t.expr })),
  );
}

const QUERIES = [
  ...panelQueries("grafana/dashboards/orgwatch-fleet.json"),
  ...panelQueries("grafana/dashboards/orgwatch-org.json"),
];

/** An HA pair (the same orgs, per-org series on) and one orgwatch with metrics.perOrg: false. */
let servers: HttpServer[] = [];
let fleetOnly = "";
let prom: PrometheusHandle;

async function orgwatchMetrics(perOrg: boolean, standby = false): Promise<HttpServer> {
  const registry = createRegistry();
  // A scale-out coordinator on standby says so (orgwatch_coordinator_lease_held 0).
  if (standby) {
    new Gauge({
      name: "orgwatch_coordinator_lease_held",
      help: "lease",
      registers: [registry],
    }).set(0);
  }
  const metrics = createMetrics({ registry, perOrg, orgs: () => ORGS });
  for (const r of RESULTS) metrics.recordResult(r);
  metrics.observeSchedulerLag(2);
  metrics.countBudgetSkip("login_budget");
  return startHttpServer({ listen: "127.0.0.1:0", registry, ready: () => true });
}

beforeAll(async () => {
  servers = [
    await orgwatchMetrics(true),
    await orgwatchMetrics(true, true),
    await orgwatchMetrics(false),
  ];
  const hosts = servers.map((s) => new URL(s.url).host);
  instance = hosts[0] ?? "";
  fleetOnly = hosts[2] ?? "";
  prom = await startPrometheus({
    target: hosts,
    ruleFiles: ["config/prometheus/orgwatch.rules.yml"],
  });
  // rate() over 1m needs two scrapes of every series; wait for them, bounded.
  await prom.waitFor('count(rate(orgwatch_checks_total{result="healthy"}[1m])) == 3');
  await prom.waitFor('orgwatch_org_up{org="beta"}');
  await prom.waitFor(`count(orgwatch_orgs{instance="${fleetOnly}"})`);
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  for (const server of servers) await server.close();
});

describe("dashboard queries against a real Prometheus", () => {
  it("has queries to run", () => {
    expect(QUERIES.length).toBeGreaterThan(20);
  });

  it.each(QUERIES)("$panel: $expr", async ({ expr }) => {
    const result = await prom.query(substitute(expr));
    expect(result.length, "panel returns no series").toBeGreaterThan(0);
  });

  it("counts an HA pair once: the fleet stats read one instance", async () => {
    const unhealthy = QUERIES.find((q) => q.panel === "orgwatch / Fleet / Unhealthy orgs");
    const result = await prom.query(substitute(unhealthy?.expr ?? ""));
    expect(result.map((r) => r.value[1])).toEqual(["2"]);
    // the pair together would have said 4
    expect(
      (await prom.query('sum(orgwatch_orgs{state="unhealthy", instance!~"' + fleetOnly + '"})'))[0]
        ?.value[1],
    ).toBe("4");
  });

  it("offers every instance of the job but a standby coordinator", async () => {
    const inner = /^query_result\((.*)\)$/.exec(INSTANCES)?.[1] ?? "";
    const rows = await prom.query(substitute(inner));
    expect(rows.map((r) => r.metric.instance).sort()).toEqual([instance, fleetOnly].sort());
  });

  it("puts each cause's one-line summary beside its id", async () => {
    const now = QUERIES.find((q) => q.panel === "orgwatch / Fleet / Unhealthy orgs now");
    const rows = await prom.query(substitute(now?.expr ?? "", instance, ".+"));
    expect(rows.map((r) => [r.metric.org, r.metric.cause, r.metric.summary]).sort()).toEqual([
      ["beta", "user_inactive", CAUSE_SUMMARIES.user_inactive],
      ["gamma", "ip_restricted", CAUSE_SUMMARIES.ip_restricted],
    ]);
  });

  it("with metrics.perOrg: false the fleet panels still show; only per-org panels are empty", async () => {
    const org = await prom.query(`orgwatch_org_up{job="orgwatch", instance="${fleetOnly}"}`);
    expect(org).toEqual([]);
    const fleet = QUERIES.filter((q) => !/orgwatch_org_/.test(q.expr));
    expect(fleet.length).toBeGreaterThan(8);
    for (const q of fleet) {
      const result = await prom.query(substitute(q.expr, fleetOnly));
      expect(result.length, `${q.panel} returns no series`).toBeGreaterThan(0);
    }
  });

  it("sees the fleet as orgwatch exported it", async () => {
    const byCause = await prom.query("sum by (cause) (orgwatch_orgs_by_cause)");
    // every cause id has its zero series, the newest included
    expect(byCause).toHaveLength(CAUSE_IDS.length);
    expect(byCause.map((r) => r.metric["cause"])).toContain("my_domain_required");
    const unhealthy = await prom.query(
      `sum(orgwatch_orgs{state="unhealthy", instance="${instance}"})`,
    );
    expect(unhealthy[0]?.value[1]).toBe("2");
  });

  it("loads every rule file rule and evaluates it without error", async () => {
    await prom.waitFor("orgwatch:orgs:sum");
    const rules = await prom.rules();
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.filter((r) => r.health === "err")).toEqual([]);
  });
});
