import { readFileSync } from "node:fs";
import { CAUSE_IDS } from "../../src/domain/causes.js";
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

/** Every panel query of a dashboard file, with Grafana's variables substituted. */
function panelQueries(file: string): { panel: string; expr: string }[] {
  const d = JSON.parse(readFileSync(file, "utf8")) as DashboardJson;
  return d.panels.flatMap((p) =>
    p.targets.map((t) => ({
      panel: `${d.title} / ${p.title}`,
      expr: t.expr
        .replaceAll("$__rate_interval", "1m")
        .replaceAll("$__interval", "15s")
        .replaceAll("$__range", "1h")
        .replaceAll("${org}", FOCUS_ORG)
        .replaceAll("$org", FOCUS_ORG)
        .replaceAll("${datasource}", "prometheus")
        .replaceAll("$datasource", "prometheus"),
    })),
  );
}

const QUERIES = [
  ...panelQueries("grafana/dashboards/orgwatch-fleet.json"),
  ...panelQueries("grafana/dashboards/orgwatch-org.json"),
];

let server: HttpServer;
let prom: PrometheusHandle;

beforeAll(async () => {
  const registry = createRegistry();
  const metrics = createMetrics({ registry, perOrg: true, orgs: () => ORGS });
  for (const r of RESULTS) metrics.recordResult(r);
  metrics.observeSchedulerLag(2);
  metrics.countBudgetSkip("login_budget");
  server = await startHttpServer({ listen: "127.0.0.1:0", registry, ready: () => true });
  prom = await startPrometheus({
    target: new URL(server.url).host,
    ruleFiles: ["config/prometheus/orgwatch.rules.yml"],
  });
  // rate() over 1m needs two scrapes of every series; wait for them, bounded.
  await prom.waitFor("count(rate(orgwatch_checks_total[1m])) > 0");
  await prom.waitFor('orgwatch_org_up{org="beta"}');
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  await server?.close();
});

describe("dashboard queries against a real Prometheus", () => {
  it("has queries to run", () => {
    expect(QUERIES.length).toBeGreaterThan(20);
  });

  it.each(QUERIES)("$panel: $expr", async ({ expr }) => {
    const result = await prom.query(expr);
    expect(result.length, "panel returns no series").toBeGreaterThan(0);
  });

  it("sees the fleet as orgwatch exported it", async () => {
    const byCause = await prom.query("sum by (cause) (orgwatch_orgs_by_cause)");
    // every cause id has its zero series, the newest included
    expect(byCause).toHaveLength(CAUSE_IDS.length);
    expect(byCause.map((r) => r.metric["cause"])).toContain("my_domain_required");
    const unhealthy = await prom.query('sum(orgwatch_orgs{state="unhealthy"})');
    expect(unhealthy[0]?.value[1]).toBe("2");
  });

  it("loads every rule file rule and evaluates it without error", async () => {
    await prom.waitFor("orgwatch:orgs:sum");
    const rules = await prom.rules();
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.filter((r) => r.health === "err")).toEqual([]);
  });
});
