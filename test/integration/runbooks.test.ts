import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alwaysTransient, buildRunbooks } from "../../scripts/runbooks.js";
import { CAUSE_IDS } from "../../src/domain/causes.js";

const DIR = "docs/runbooks";
const RULES = "config/prometheus/orgwatch.rules.yml";

interface Rule {
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const alerts = (parse(readFileSync(RULES, "utf8")) as { groups: { rules: Rule[] }[] }).groups
  .flatMap((g) => g.rules)
  .filter((r) => r.alert !== undefined);

describe("generated runbooks", () => {
  it.each(Object.entries(buildRunbooks()))(
    "%s is what scripts/runbooks.ts produces (run `npm run runbooks`)",
    (name, text) => {
      expect(readFileSync(join(DIR, name), "utf8")).toBe(text);
    },
  );

  it("are the only files in docs/runbooks", () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(buildRunbooks()).sort());
  });
});

describe("runbook_url of every alert rule", () => {
  it.each(alerts.map((r) => [r.alert, r.labels?.severity, r] as const))(
    "%s (%s) points at runbooks that exist",
    (_name, _severity, rule) => {
      const url = rule.annotations?.runbook_url ?? "";
      expect(url).toMatch(/^docs\/runbooks\/[A-Za-z_{}$. ]+\.md$/);
      const files = url.includes("{{ $labels.cause }}")
        ? CAUSE_IDS.map((c) => url.replace("{{ $labels.cause }}", c))
        : [url];
      expect(files.filter((f) => !existsSync(f))).toEqual([]);
    },
  );
});

describe("transient causes in the rules", () => {
  const transient = alwaysTransient().sort().join("|");

  it("are the catalogue's transient causes, and only the warning rules match them", () => {
    expect(transient).toContain("app_propagating");
    expect(transient).toContain("salesforce_unavailable");
    const byCause = alerts.filter((r) => /cause[!=]~"/.test(r.expr));
    expect(byCause.length).toBeGreaterThanOrEqual(4);
    for (const rule of byCause) {
      const [, op, list] = /cause([!=]~)"([^"]+)"/.exec(rule.expr) ?? [];
      expect(list, `${rule.alert ?? ""}: TRANSIENT list`).toBe(transient);
      expect(rule.labels?.severity).toBe(op === "=~" ? "warning" : "critical");
    }
  });
});
