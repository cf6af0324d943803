import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckResult } from "../src/domain/result.js";
import { STAGE_IDS } from "../src/domain/stages.js";
import { BatchWriter, openStore } from "../src/store/index.js";

/** Store throughput figures. */
export interface StoreBench {
  results: number;
  stageRows: number;
  batchSize: number;
  seconds: number;
  resultsPerSecond: number;
  /** What 100,000 orgs every 5 minutes need. */
  neededPerSecond: number;
}

function result(n: number, at: number): CheckResult {
  const iso = new Date(at).toISOString();
  return {
    checkId: `bench-${n}`,
    orgId: `org-${n % 100_000}`,
    startedAt: iso,
    finishedAt: iso,
    healthy: n % 10 !== 0,
    diagnosis: null,
    warnings: [],
    facts: {},
    loginAttempted: true,
    stages: STAGE_IDS.map((stage) => ({
      stage,
      ok: true,
      skipped: false,
      durationMs: 120,
      httpStatus: 200,
      errorCode: null,
    })),
  };
}

/** Records `count` passes through a BatchWriter into a temp SQLite file and times it. */
export function benchStore(count = 50_000, batchSize = 1000): StoreBench {
  const dir = mkdtempSync(join(tmpdir(), "orgwatch-bench-"));
  const store = openStore(join(dir, "bench.db"));
  try {
    const base = Date.UTC(2026, 0, 1);
    const started = performance.now();
    const writer = new BatchWriter<CheckResult>((b) => store.recordResults(b), {
      maxBatch: batchSize,
      flushIntervalMs: 60_000,
    });
    for (let n = 0; n < count; n += 1) writer.add(result(n, base + n * 3));
    writer.close();
    const seconds = (performance.now() - started) / 1000;
    return {
      results: count,
      stageRows: count * STAGE_IDS.length,
      batchSize,
      seconds: Number(seconds.toFixed(3)),
      resultsPerSecond: Math.round(count / seconds),
      neededPerSecond: Math.round(100_000 / 300),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(benchStore(), null, 2));
}
