import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureBinaries, run } from "../helpers/system.js";

const RULES = "config/prometheus/orgwatch.rules.yml";
const TESTS = readdirSync("test/prometheus")
  .filter((f) => f.endsWith(".test.yml"))
  .map((f) => join("test/prometheus", f));

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string }[] }[];
}

beforeAll(() => ensureBinaries(["promtool"]));

describe("Prometheus rules", () => {
  it("pass promtool check rules", () => {
    const check = run("promtool", ["check", "rules", RULES]);
    expect(check.output).toContain("SUCCESS");
    expect(check.status).toBe(0);
  });

  it.each(TESTS)("pass promtool test rules %s", (file) => {
    const test = run("promtool", ["test", "rules", file]);
    expect(test.output).toContain("SUCCESS");
    expect(test.status).toBe(0);
  });

  it("test every alert in some promtool test file", () => {
    const rules = parse(readFileSync(RULES, "utf8")) as RuleFile;
    const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    const tested = TESTS.map((f) => readFileSync(f, "utf8")).join("\n");
    expect(alerts.length).toBeGreaterThan(5);
    expect(alerts.filter((a) => !tested.includes(`alertname: ${a}\n`))).toEqual([]);
  });
});
