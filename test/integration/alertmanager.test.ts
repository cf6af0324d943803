import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { freePort } from "../helpers/prometheus.js";
import { ensureBinaries, run } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";

const CONFIG = "config/alertmanager.example.yml";
const RULES = "config/prometheus/orgwatch.rules.yml";

interface AmConfig {
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
}

const ruleAlerts = new Set(
  (parse(readFileSync(RULES, "utf8")) as { groups: { rules: { alert?: string }[] }[] }).groups
    .flatMap((g) => g.rules)
    .flatMap((r) => (r.alert ? [r.alert] : [])),
);

let child: ChildProcess | null = null;
let tmp: ReturnType<typeof tempDir>;
let url = "";

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

async function post(alerts: Record<string, string>[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: "test" } }))),
  });
  expect(res.status).toBe(200);
}

async function state(filter: string): Promise<AmAlert[]> {
  const res = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(filter)}`);
  return (await res.json()) as AmAlert[];
}

beforeAll(async () => {
  ensureBinaries(["amtool", "prometheus-alertmanager"]);
  tmp = tempDir("orgwatch-am-");
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(
    "prometheus-alertmanager",
    [
      `--config.file=${CONFIG}`,
      `--storage.path=${join(tmp.dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("alertmanager did not become ready");
});

afterAll(async () => {
  const am = child;
  if (am && am.exitCode === null) {
    await new Promise<void>((res) => {
      am.once("exit", () => res());
      am.kill("SIGTERM");
    });
  }
  tmp?.cleanup();
});

describe("config/alertmanager.example.yml", () => {
  it("passes amtool check-config", () => {
    const check = run("amtool", ["check-config", CONFIG]);
    expect(check.output).toContain("SUCCESS");
    expect(check.status).toBe(0);
  });

  it.each([
    ["severity=critical", "alertname=OrgwatchOrgDown", "orgwatch-critical"],
    ["severity=warning", "alertname=OrgwatchOrgDown", "orgwatch-warning"],
    ["severity=critical", "alertname=OrgwatchCertificateExpiring", "orgwatch-critical"],
    ["severity=warning", "alertname=OrgwatchCheckErrors", "orgwatch-warning"],
  ])("routes %s %s to %s", (severity, alertname, receiver) => {
    const test = run("amtool", [
      "config",
      "routes",
      "test",
      `--config.file=${CONFIG}`,
      `--verify.receivers=${receiver}`,
      severity,
      alertname,
    ]);
    expect(test.output.split("\n")).toContain(receiver);
    expect(test.status).toBe(0);
  });

  it("inhibits with alert names the rules define", () => {
    const config = parse(readFileSync(CONFIG, "utf8")) as AmConfig;
    const names = config.inhibit_rules.flatMap((r) =>
      [...r.source_matchers, ...r.target_matchers].flatMap((m) => {
        const match = /^alertname=~?"([^"]+)"$/.exec(m);
        return match?.[1]?.split("|") ?? [];
      }),
    );
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !ruleAlerts.has(n))).toEqual([]);
  });

  it("a Salesforce outage inhibits per-org alerts of its cause, not of another", async () => {
    await post([
      {
        alertname: "OrgwatchSalesforceOutage",
        severity: "warning",
        cause: "salesforce_unavailable",
      },
      {
        alertname: "OrgwatchOrgDown",
        severity: "warning",
        org: "acme",
        cause: "salesforce_unavailable",
      },
      { alertname: "OrgwatchOrgDown", severity: "critical", org: "beta", cause: "user_inactive" },
    ]);
    const down = await state('alertname="OrgwatchOrgDown"');
    const byOrg = Object.fromEntries(down.map((a) => [a.labels.org ?? "", a.status]));
    expect(byOrg.acme?.state).toBe("suppressed");
    expect(byOrg.acme?.inhibitedBy).toHaveLength(1);
    expect(byOrg.beta?.state).toBe("active");
  });

  it("a down org inhibits its login budget warning, not another org's", async () => {
    await post([
      { alertname: "OrgwatchLoginBudgetNearlyUsed", severity: "warning", org: "beta" },
      { alertname: "OrgwatchLoginBudgetNearlyUsed", severity: "warning", org: "gamma" },
    ]);
    const budget = await state('alertname="OrgwatchLoginBudgetNearlyUsed"');
    const byOrg = Object.fromEntries(budget.map((a) => [a.labels.org ?? "", a.status.state]));
    expect(byOrg).toEqual({ beta: "suppressed", gamma: "active" });
  });
});
