/** Bench section: one /metrics scrape at fleet size, and how long it holds the event loop. */
import { get } from "node:http";
import { performance } from "node:perf_hooks";
import type { CheckResult } from "../src/domain/result.js";
import { STAGE_IDS } from "../src/domain/stages.js";
import { startHttpServer } from "../src/http/server.js";
import { createMetrics, createRegistry, type OrgMetricsView } from "../src/metrics/index.js";

const ORGS = Number(process.env["BENCH_ORGS"] ?? 100_000);
const SCRAPES = 5;
const NOW = Date.parse("2026-03-02T10:00:00.000Z");

function viewOf(i: number): OrgMetricsView {
  const failing = i % 10 === 0;
  return {
    id: `org-${i}`,
    state: i % 50 === 1 ? "unknown" : failing ? "unhealthy" : "healthy",
    cause: failing ? "api_disabled" : null,
    backoffLevel: failing ? 2 : 0,
    lastCheckAt: NOW - (i % 300) * 1000,
    lastHealthyAt: failing ? null : NOW - (i % 300) * 1000,
    loginsUsed: i % 7,
    loginBudget: 36,
    certificateNotAfter: NOW + 86_400_000 * 90,
  };
}

function result(orgId: string): CheckResult {
  const iso = new Date(NOW).toISOString();
  return {
    checkId: `${orgId}:${iso}`,
    orgId,
    startedAt: iso,
    finishedAt: iso,
    healthy: true,
    diagnosis: null,
    warnings: [],
    facts: { apiUsed: 100, apiMax: 15_000 },
    loginAttempted: true,
    stages: STAGE_IDS.map((stage) => ({
      stage,
      ok: true,
      skipped: false,
      durationMs: 80,
      httpStatus: 200,
      errorCode: null,
    })),
  };
}

/** Runs `work` while a setImmediate probe records the longest gap between its ticks. */
async function probed<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; maxGapMs: number }> {
  let running = true;
  let last = performance.now();
  let maxGapMs = 0;
  const tick = (): void => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  running = false;
  const now = performance.now();
  maxGapMs = Math.max(maxGapMs, now - last);
  return { value, ms, maxGapMs };
}

/** GETs with Accept-Encoding: gzip and counts the bytes as they come, without keeping them. */
function gzippedBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
      let bytes = 0;
      res.on("data", (part: Buffer) => (bytes += part.length));
      res.on("end", () => resolve(bytes));
    }).on("error", reject);
  });
}

/** Builds 100,000 org views with per-org series on, then times five scrapes of the registry (setImmediate probe). */
export const metricsSection = {
  name: "metrics",
  async run(): Promise<Record<string, number | string>> {
    const views = Array.from({ length: ORGS }, (_, i) => viewOf(i));
    const registry = createRegistry();
    const metrics = createMetrics({ registry, perOrg: true, orgs: () => views });
    for (const view of views) metrics.recordResult(result(view.id));
    await registry.metrics(); // warm-up: JIT and first allocations
    const scrapes = [];
    for (let i = 0; i < SCRAPES; i++) scrapes.push(await probed(() => registry.metrics()));
    const median = (xs: number[]): number =>
      xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const text = scrapes[0]?.value ?? "";
    const server = await startHttpServer({ listen: "127.0.0.1:0", registry, ready: () => true });
    const http = await probed(() => gzippedBytes(`${server.url}/metrics`));
    await server.close();
    return {
      orgs: ORGS,
      "exposition MB": Number((Buffer.byteLength(text) / 1e6).toFixed(1)),
      scrapes: SCRAPES,
      "scrape ms (median)": Math.round(median(scrapes.map((s) => s.ms))),
      "longest event-loop block ms (median of scrapes)": Number(
        median(scrapes.map((s) => s.maxGapMs)).toFixed(1),
      ),
      "longest event-loop block ms (worst scrape)": Number(
        Math.max(...scrapes.map((s) => s.maxGapMs)).toFixed(1),
      ),
      "HTTP GET /metrics, gzip: MB sent": Number((http.value / 1e6).toFixed(1)),
      "HTTP GET /metrics, gzip: ms": Math.round(http.ms),
      "HTTP GET /metrics, gzip: longest block ms": Number(http.maxGapMs.toFixed(1)),
    };
  },
};
