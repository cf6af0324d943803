import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore } from "../../src/store/index.js";
import { orgwatchYaml, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { startPrometheus, type PrometheusHandle } from "../helpers/prometheus.js";
import { ensureBinaries, run } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";

const CERT = { certificateFile: "./app.crt" };
const ORGS: FleetOrg[] = [
  { id: "m-healthy", scenario: "healthy", config: CERT },
  { id: "m-flap", scenario: "healthy", config: CERT },
  {
    id: "m-broken",
    scenario: "user_not_preauthorized",
    config: { ...CERT, loginBudgetPerHour: 4 },
  },
  // Healthy first, then API Enabled is removed (beforeAll): the dashboards' focus org has both a
  // last fully healthy pass and a current cause.
  { id: "m-api", scenario: "healthy", config: CERT },
];
/** The org the per-org panels are asked about: unhealthy, so cause panels have series. */
const FOCUS = "m-api";

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let orgwatch: OrgwatchProcess;
let prom: PrometheusHandle;
let dbFile: string;
let configFile: string;

function state(orgId: string): { state: string; cause: string | null } | undefined {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT state, cause FROM org_state WHERE org_id = ?").get(orgId) as
      { state: string; cause: string | null } | undefined;
  } finally {
    db.close();
  }
}

function checks(orgId: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT COUNT(*) AS n FROM checks WHERE org_id = ?").get(orgId) as {
      n: number;
    };
    return row.n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

function panelQueries(file: string): { panel: string; expr: string }[] {
  const d = JSON.parse(readFileSync(file, "utf8")) as {
    title: string;
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return d.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      panel: `${d.title} / ${p.title}`,
      expr: t.expr
        .replaceAll("$job", "orgwatch")
        .replaceAll("$instance", new URL(orgwatch.url).host)
        .replaceAll("$__rate_interval", "1m")
        .replaceAll("$__interval", "15s")
        .replaceAll("$__range", "1h")
        .replaceAll("${org}", FOCUS)
        .replaceAll("$org", FOCUS),
    })),
  );
}

beforeAll(async () => {
  ensureBinaries(["promtool", "prometheus"]);
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  dbFile = join(tmp.dir, "orgwatch.db");
  writeFileSync(join(tmp.dir, "app.crt"), id.certificatePem);
  const config = join(tmp.dir, "orgwatch.yaml");
  configFile = config;
  writeFileSync(
    config,
    orgwatchYaml(ORGS, sim.port, {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./orgwatch.db" },
      defaults: { interval: "1s", maxBackoff: "2s", timeout: "3s", failureThreshold: 2 },
    }),
  );
  orgwatch = await startOrgwatch(config, { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem });
  await waitUntil("m-api healthy", () => state("m-api")?.state === "healthy");
  sim.control.setScenario("m-api", "api_disabled");
  prom = await startPrometheus({
    target: new URL(orgwatch.url).host,
    ruleFiles: ["config/prometheus/orgwatch.rules.yml"],
  });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await sim?.close();
  tmp?.cleanup();
});

describe("orgwatch run against the simulator", () => {
  it("records a break and a recovery with the right cause", async () => {
    await waitUntil("m-flap healthy", () => state("m-flap")?.state === "healthy");
    sim.control.setScenario("m-flap", "user_not_preauthorized");
    await waitUntil("m-flap down", () => state("m-flap")?.cause === "user_not_preauthorized");
    sim.control.setScenario("m-flap", "healthy");
    await waitUntil("m-flap recovered", () => state("m-flap")?.state === "healthy");
    expect(state("m-api")).toEqual({ state: "unhealthy", cause: "api_disabled" });
  }, 60_000);

  it("serves metrics that promtool accepts", async () => {
    const res = await fetch(`${orgwatch.url}/metrics`);
    const text = await res.text();
    expect(text).toContain('orgwatch_org_up{org="m-flap"} 1');
    expect(text).toContain('orgwatch_org_cause{org="m-api",cause="api_disabled"} 1');
    const lint = run("promtool", ["check", "metrics"], text);
    expect(lint.output).toBe("");
    expect(lint.status).toBe(0);
    expect(text).not.toContain("integration@");
    expect((await fetch(`${orgwatch.url}/readyz`)).status).toBe(200);
  });

  it("keeps the login budget of an org that always fails", async () => {
    await waitUntil("a budget skip", async () => {
      const text = await (await fetch(`${orgwatch.url}/metrics`)).text();
      return /orgwatch_budget_skips_total\{reason="login_budget"\} [1-9]/.test(text);
    });
    const logins = sim.control.counters("m-broken").logins;
    expect(logins.total).toBeGreaterThan(0);
    expect(logins.total).toBeLessThanOrEqual(4);
  }, 30_000);

  it("every Grafana panel query returns series from the running monitor", async () => {
    await prom.waitFor("count(rate(orgwatch_checks_total[1m])) > 0", 60_000);
    await prom.waitFor(`orgwatch_org_cause{org="${FOCUS}"}`, 30_000);
    const queries = [
      ...panelQueries("grafana/dashboards/orgwatch-fleet.json"),
      ...panelQueries("grafana/dashboards/orgwatch-org.json"),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const q of queries) {
      const series = await prom.query(q.expr);
      if (series.length === 0) empty.push(`${q.panel}: ${q.expr}`);
    }
    expect(empty).toEqual([]);
  }, 90_000);

  it("shuts down cleanly on SIGTERM and leaves the transitions in history", async () => {
    expect(await orgwatch.stop("SIGTERM")).toBe(0);
    const store = openStore(dbFile);
    try {
      const transitions = store
        .transitions("m-flap")
        .reverse()
        .map((c) => (c.healthy ? "healthy" : c.cause));
      expect(transitions).toEqual(["healthy", "user_not_preauthorized", "healthy"]);
      const incident = store.openIncidentFor("m-api");
      expect(incident?.cause).toBe("api_disabled");
      expect(store.openIncidentFor("m-flap")).toBeNull();
      expect(checks("m-healthy")).toBeGreaterThan(2);
    } finally {
      store.close();
    }
  });

  it("orgwatch history prints the state changes and recent checks", async () => {
    let out = "";
    const code = await main(
      ["node", "orgwatch", "history", "--config", configFile, "--org", "m-flap", "--limit", "5"],
      {
        stdout: (t) => (out += t),
        stderr: (t) => (out += t),
        env: { TEST_KEY: id.privateKeyPem },
      },
    );
    expect(code).toBe(0);
    const [changes = "", recent = ""] = out.split("\n\n");
    expect(changes).toContain("m-flap: state changes (newest first)");
    expect(changes).toMatch(/user_not_preauthorized at token/);
    expect(recent).toContain("m-flap: last 5 checks (newest first)");
    expect(recent.trim().split("\n")).toHaveLength(6);
    expect(out).not.toContain("BEGIN");
  });

  it("orgwatch history --org with an org not in the config exits 2 like check", async () => {
    let err = "";
    const code = await main(
      ["node", "orgwatch", "history", "--config", configFile, "--org", "nope"],
      {
        stdout: () => {},
        stderr: (t) => (err += t),
        env: { TEST_KEY: id.privateKeyPem },
      },
    );
    expect(code).toBe(2);
    expect(err).toMatch(/^--org nope: no such org in .*; known: m-healthy, m-flap/);
  });
});
