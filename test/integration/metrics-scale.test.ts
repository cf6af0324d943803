/** /metrics at fleet size: the scrape lets the event loop run and still shows every org, exactly. */
import { describe, expect, it } from "vitest";
import { createMetrics, createRegistry, type OrgMetricsView } from "../../src/metrics/index.js";
import { view } from "../helpers/metrics.js";

const ORGS = 100_000;

function fleet(): OrgMetricsView[] {
  return Array.from({ length: ORGS }, (_, i) =>
    i % 10 === 0
      ? view(`org-${i}`, { state: "unhealthy", cause: "api_disabled", backoffLevel: 1 })
      : view(`org-${i}`),
  );
}

/** Counts setImmediate ticks that run while `work` is pending. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  let pending = true;
  const tick = (): void => {
    if (!pending) return;
    ticks += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work;
  pending = false;
  return { value, ticks };
}

describe("a scrape of 100,000 orgs", () => {
  it("yields to the event loop while it renders, and contains every org once per family", async () => {
    const registry = createRegistry();
    createMetrics({ registry, perOrg: true, orgs: fleet });
    const { value: text, ticks } = await ticksDuring(registry.metrics());
    // Rendered in one synchronous step (prom-client's way) the loop would not tick at all.
    expect(ticks).toBeGreaterThan(100);

    const lines = text.split("\n");
    const up = new Set<string>();
    let causes = 0;
    for (const line of lines) {
      const org = /^orgwatch_org_up\{org="(org-\d+)"\} [01]$/.exec(line)?.[1];
      if (org !== undefined) up.add(org);
      if (line.startsWith('orgwatch_org_cause{org="') && line.endsWith('",cause="api_disabled"} 1'))
        causes += 1;
    }
    expect(up.size).toBe(ORGS);
    expect(causes).toBe(ORGS / 10);
    expect(lines).toContain('orgwatch_orgs{state="healthy"} 90000');
    expect(lines).toContain('orgwatch_orgs{state="unhealthy"} 10000');
    expect(lines).toContain('orgwatch_orgs_by_cause{cause="api_disabled"} 10000');
    expect(lines).toContain("orgwatch_orgs_backoff 10000");

    const helps = lines.filter((l) => l.startsWith("# HELP ")).map((l) => l.split(" ")[2]);
    expect(new Set(helps).size).toBe(helps.length);
    const types = lines.filter((l) => l.startsWith("# TYPE ")).map((l) => l.split(" ")[2]);
    expect(types).toEqual(helps);
  });

  it("keeps the same family order from scrape to scrape", async () => {
    const registry = createRegistry();
    const orgs = fleet().slice(0, 5_000);
    createMetrics({ registry, perOrg: true, orgs: () => orgs });
    const families = async (): Promise<string[]> =>
      (await registry.metrics()).split("\n").filter((l) => l.startsWith("# TYPE "));
    const first = await families();
    orgs.reverse();
    expect(await families()).toEqual(first);
  });
});
