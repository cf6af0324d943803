/** Bench section: the coordinator's whole record path (state machine, org state, history, metrics). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfigTree } from "../src/config/load.js";
import type { CheckResult } from "../src/domain/result.js";
import { STAGE_IDS } from "../src/domain/stages.js";
import { createMetrics, createRegistry } from "../src/metrics/index.js";
import { Coordinator } from "../src/monitor/coordinator.js";
import { createLogger } from "../src/platform/logger.js";
import { generateIdentity } from "../src/platform/keygen.js";
import { Fleet } from "../src/monitor/fleet.js";
import { BatchWriter, openStore, type RecordedPass } from "../src/store/index.js";

const ORGS = 100_000;

function pass(orgId: string, at: number, failing: boolean): CheckResult {
  const iso = new Date(at).toISOString();
  return {
    checkId: `${orgId}:${iso}`,
    orgId,
    startedAt: iso,
    finishedAt: iso,
    healthy: !failing,
    diagnosis: failing
      ? {
          cause: "api_disabled",
          stage: "rest",
          severity: "critical",
          transient: false,
          summary: "x",
          fix: [],
        }
      : null,
    warnings: [],
    facts: { apiUsed: 100, apiMax: 15_000 },
    loginAttempted: true,
    stages: STAGE_IDS.map((stage) => ({
      stage,
      ok: !(failing && stage === "rest"),
      skipped: false,
      durationMs: 80,
      httpStatus: 200,
      errorCode: null,
    })),
  };
}

/** Records one pass for each of 100,000 orgs (10% failing) and times it, with a full scrape after. */
export const coordinatorSection = {
  name: "coordinator",
  async run(): Promise<Record<string, number | string>> {
    const dir = mkdtempSync(join(tmpdir(), "orgwatch-bench-"));
    const id = generateIdentity();
    const ids = Array.from({ length: ORGS }, (_, i) => `org-${i}`);
    const config = loadConfigTree(
      {
        metrics: { perOrg: false },
        orgs: ids.map((org) => ({
          id: org,
          loginUrl: `https://${org}.my.salesforce.com`,
          clientId: "3MVG9bench",
          username: `integration@${org}.example`,
          privateKey: id.privateKeyPem,
        })),
      },
      { file: join(dir, "bench.yaml"), env: {} },
    );
    const store = openStore(join(dir, "bench.db"));
    const passes = new BatchWriter<RecordedPass>((b) => store.commitPasses(b));
    const registry = createRegistry();
    const fleet = new Fleet();
    for (const target of config.orgs) fleet.add(target);
    const coordinator = new Coordinator({
      fleet,
      ledger: store,
      passes,
      metrics: createMetrics({ registry, perOrg: false, orgs: () => [] }),
      logger: createLogger({ level: "silent" }),
    });
    try {
      const base = Date.now();
      const started = performance.now();
      config.orgs.forEach((target, i) => {
        coordinator.record(pass(target.id, base + i, i % 10 === 0), base + i);
      });
      passes.close();
      const seconds = (performance.now() - started) / 1000;
      const scrapeStart = performance.now();
      const text = await registry.metrics();
      return {
        orgs: ORGS,
        seconds: Number(seconds.toFixed(2)),
        "records/s": Math.round(ORGS / seconds),
        "needed for 100,000 orgs at 5m (records/s)": Math.round(ORGS / 300),
        "heap MiB after": Math.round(process.memoryUsage().heapUsed / 1_048_576),
        "fleet scrape ms (perOrg off)": Math.round(performance.now() - scrapeStart),
        "fleet scrape bytes": text.length,
      };
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
