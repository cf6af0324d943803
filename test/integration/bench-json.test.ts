import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBenchJson } from "../../scripts/bench-json.js";

/** The figures issue 11 asks `npm run bench -- --json` for. */
const FIGURES = [
  "orgs",
  "demandPerSecond",
  "checksPerSecond",
  "baselinePerSecond",
  "ratio",
  "lagP99Ms",
  "rssMb",
  "startupMs",
  "metricsScrapeMs",
  "checksPerSecondDuringScrape",
  "sqliteRowsPerSecond",
  "bullmqRatio",
] as const;

/** Live processes whose parent is this one (the bench must leave none behind). */
function children(): string[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === process.pid ? [readFileSync(`/proc/${pid}/cmdline`, "utf8")] : [];
      } catch {
        return [];
      }
    });
}

describe("npm run bench -- --json, in a tiny mode", () => {
  it("answers every figure as a number or null, with the machine, verdicts and notes", async () => {
    const json = await runBenchJson({
      orgs: 200,
      seconds: 2,
      runs: 1,
      baselinePasses: 200,
      sqlitePasses: 2000,
      log: () => {},
    });
    for (const key of FIGURES) {
      expect(json, key).toHaveProperty(key);
      const value = json[key];
      expect(value === null || typeof value === "number", `${key}: ${String(value)}`).toBe(true);
    }
    expect(Object.keys(json.bullmqPerSecond)).toEqual(["1", "2"]);
    for (const v of Object.values(json.bullmqPerSecond)) {
      expect(v === null || typeof v === "number").toBe(true);
    }
    expect(json.orgs).toBe(200);
    const { cores, cpu, node, totalMemoryMb, loadAverage } = json.machine;
    expect([typeof cores, typeof cpu, typeof totalMemoryMb]).toEqual([
      "number",
      "string",
      "number",
    ]);
    expect(node).toBe(process.version);
    expect(loadAverage).toHaveLength(3);
    for (const [name, verdict] of Object.entries(json.targets)) {
      expect(FIGURES.includes(name as never) || name === "achievedPerSecond", name).toBe(true);
      expect(["pass", "fail", "not measured"]).toContain(verdict.verdict);
    }
    expect(json.targets["ratio"]?.target).toBe(">= 0.7");
    expect(json.notes.every((n) => typeof n === "string")).toBe(true);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(children()).toEqual([]);
  }, 120_000);
});
