/**
 * The bench's end-to-end runs: `orgwatch run` as a child process against the simulator process,
 * measured from outside through /healthz, /metrics and /proc. A figure that cannot be taken in
 * time is null with a note; the child is stopped whatever happens.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import {
  freePort,
  startMonitorProcess,
  waitFor,
  writeMonitorConfig,
  type BenchFiles,
  type Child,
} from "./bench-fleet.js";
import {
  bucketDelta,
  histogram,
  httpGet,
  quantile,
  rateBetween,
  scrape,
  sumSamples,
  type Scrape,
} from "./bench-prom.js";

const CHECKS = "orgwatch_checks_total";
const LAG = "orgwatch_scheduler_lag_seconds";

/** Where the runs go and how long they may take. */
export interface RunEnv {
  files: BenchFiles;
  simPort: number;
  simOrgs: number;
  /** performance.now() after which nothing new may start waiting. */
  deadline: number;
  notes: string[];
}

/** What one run at scale measured; null where it could not. */
export interface ScaleFigures {
  startupMs: number | null;
  readyMs: number | null;
  achievedPerSecond: number | null;
  lagP99Ms: number | null;
  rssMb: number | null;
  rssPeakMb: number | null;
  metricsScrapeMs: number | null;
  checksPerSecondDuringScrape: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function left(env: RunEnv): number {
  return Math.max(0, env.deadline - performance.now());
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc; nulls where /proc is not there. */
export function memoryOf(pid: number): { rss: number | null; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, "utf8");
    const kb = (field: string): number | null => {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
      return m?.[1] ? Number(m[1]) / 1024 : null;
    };
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return { rss: null, peak: null };
  }
}

/** Starts the monitor and waits for /healthz: ms from spawn to the first 200, or null. */
async function startMonitor(
  env: RunEnv,
  label: string,
  orgs: number,
  intervalSeconds: number,
): Promise<{ child: Child; port: number; startupMs: number | null }> {
  const port = await freePort();
  const config = writeMonitorConfig(env.files, {
    orgs,
    simOrgs: env.simOrgs,
    intervalSeconds,
    simPort: env.simPort,
    listenPort: port,
    sqlite: `${label}.db`,
  });
  const child = startMonitorProcess(config);
  const healthy = await waitFor(child, left(env), async () => {
    // A long per-request timeout: a server that listens but is busy answers when it can.
    const res = await httpGet(port, "/healthz", Math.max(1, left(env)));
    return res.status === 200 ? performance.now() : null;
  });
  if (healthy === null) {
    const why = child.exited() ? `it exited: ${child.output().slice(-500)}` : "out of time";
    env.notes.push(`${label}: /healthz never answered 200 (${why})`);
  }
  return { child, port, startupMs: healthy === null ? null : healthy - child.spawnedAt };
}

async function tryScrape(env: RunEnv, port: number, label: string): Promise<Scrape | null> {
  try {
    return await scrape(port, Math.max(1, left(env)));
  } catch (err) {
    env.notes.push(`${label}: /metrics failed (${err instanceof Error ? err.message : "?"})`);
    return null;
  }
}

/**
 * One run at scale: `orgs` orgs on `intervalSeconds` (their first checks spread over it, so the
 * demand is orgs/interval from the start). Startup, then a quiet window (lag, achieved rate,
 * RSS), then scrapes back to back for another window (scrape time, rate while scraped).
 */
export async function scaleRun(
  env: RunEnv,
  opts: { label: string; orgs: number; intervalSeconds: number; windowSeconds: number },
): Promise<ScaleFigures> {
  const figures: ScaleFigures = {
    startupMs: null,
    readyMs: null,
    achievedPerSecond: null,
    lagP99Ms: null,
    rssMb: null,
    rssPeakMb: null,
    metricsScrapeMs: null,
    checksPerSecondDuringScrape: null,
  };
  const { child, port, startupMs } = await startMonitor(
    env,
    opts.label,
    opts.orgs,
    opts.intervalSeconds,
  );
  try {
    figures.startupMs = startupMs;
    if (startupMs === null) return figures;
    const ready = await waitFor(child, left(env), async () => {
      const res = await httpGet(port, "/readyz", Math.max(1, left(env)));
      return res.status === 200 ? performance.now() : null;
    });
    figures.readyMs = ready === null ? null : ready - child.spawnedAt;
    await sleep(Math.min(3000, left(env)));
    await quietWindow(env, port, opts, figures);
    const mem = memoryOf(child.pid);
    figures.rssMb = mem.rss;
    await scrapeWindow(env, port, opts, figures);
    figures.rssPeakMb = memoryOf(child.pid).peak;
    return figures;
  } finally {
    await child.stop();
  }
}

/** Lag p99 and the achieved rate between two scrapes windowSeconds apart. */
async function quietWindow(
  env: RunEnv,
  port: number,
  opts: { label: string; windowSeconds: number },
  figures: ScaleFigures,
): Promise<void> {
  const a = await tryScrape(env, port, opts.label);
  if (!a) return;
  await sleep(Math.min(opts.windowSeconds * 1000, left(env)));
  const b = await tryScrape(env, port, opts.label);
  if (!b) return;
  figures.achievedPerSecond = rateBetween(a, b, CHECKS);
  const p99 = quantile(0.99, bucketDelta(histogram(a.body, LAG), histogram(b.body, LAG)));
  figures.lagP99Ms = p99 === null ? null : p99 * 1000;
  if (p99 === null) env.notes.push(`${opts.label}: no check started in the lag window`);
}

/** Scrapes back to back for windowSeconds (at least three): median scrape time, rate meanwhile. */
async function scrapeWindow(
  env: RunEnv,
  port: number,
  opts: { label: string; windowSeconds: number },
  figures: ScaleFigures,
): Promise<void> {
  // Durations of every scrape, but the bodies of the first and last only (tens of MB each).
  const took: number[] = [];
  let first: Scrape | null = null;
  let last: Scrape | null = null;
  const until = performance.now() + opts.windowSeconds * 1000;
  while ((took.length < 3 || performance.now() < until) && left(env) > 0) {
    const s = await tryScrape(env, port, opts.label);
    if (!s) break;
    took.push(s.doneAt - s.sentAt);
    first ??= s;
    last = s;
  }
  if (!first || !last || took.length < 2) return;
  figures.metricsScrapeMs = median(took);
  const seconds = (last.doneAt - first.doneAt) / 1000;
  figures.checksPerSecondDuringScrape =
    (sumSamples(last.body, CHECKS) - sumSamples(first.body, CHECKS)) / seconds;
}

/**
 * The run loop's capacity: `orgs` orgs on an interval so short that they are always due, so
 * checks/s is what the loop gets through, not what is asked of it.
 */
export async function throughputRun(
  env: RunEnv,
  opts: { label: string; orgs: number; intervalSeconds: number; windowSeconds: number },
): Promise<number | null> {
  const { child, port, startupMs } = await startMonitor(
    env,
    opts.label,
    opts.orgs,
    opts.intervalSeconds,
  );
  try {
    if (startupMs === null) return null;
    await sleep(Math.min(2000, left(env)));
    const a = await tryScrape(env, port, opts.label);
    await sleep(Math.min(opts.windowSeconds * 1000, left(env)));
    const b = await tryScrape(env, port, opts.label);
    if (!a || !b) return null;
    const unhealthy = sumSamples(b.body, `${CHECKS}{result="unhealthy"}`);
    if (unhealthy > 0) env.notes.push(`${opts.label}: ${String(unhealthy)} unhealthy passes`);
    return rateBetween(a, b, CHECKS);
  } finally {
    await child.stop();
  }
}

/** The median of the numbers given (null for none). */
export function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
