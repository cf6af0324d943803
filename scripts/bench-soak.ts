/**
 * `npm run bench -- soak [--orgs N] [--interval S] [--intervals N] [--sim-orgs N]`: one monitor
 * at fleet size for whole intervals, scraped every 15 s as Prometheus would. It answers what a
 * short window cannot: is every org checked within its first interval, and does memory stay
 * flat once they all have been. Figures are printed, never asserted.
 */
import { performance } from "node:perf_hooks";
import { memoryOf } from "./bench-e2e.js";
import {
  freePort,
  startMonitorProcess,
  startSimulatorProcess,
  waitFor,
  writeBenchFiles,
  writeMonitorConfig,
  type Child,
} from "./bench-fleet.js";
import { bucketDelta, histogram, httpGet, quantile, scrape, sumSamples } from "./bench-prom.js";

/** What a soak runs. */
export interface SoakOptions {
  orgs: number;
  intervalSeconds: number;
  /** Whole intervals to run after start (at least 2: the first fills the fleet). */
  intervals: number;
  simOrgs: number;
  log: (line: string) => void;
}

/** One sample: seconds since /healthz, RSS, orgs never checked, checks so far, the lag buckets. */
interface Sample {
  at: number;
  rssMb: number | null;
  unchecked: number;
  checks: number;
  lag: ReturnType<typeof histogram>;
}

const SCRAPE_EVERY_MS = 15_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (v: number | null): number | null => (v === null ? null : Math.round(v));

async function sample(child: Child, port: number, since: number): Promise<Sample> {
  const s = await scrape(port, 60_000);
  // Only the figures are kept: a body at 100,000 orgs is tens of MB.
  return {
    at: (s.doneAt - since) / 1000,
    rssMb: memoryOf(child.pid).rss,
    unchecked: sumSamples(s.body, 'orgwatch_orgs{state="unknown"}'),
    checks: sumSamples(s.body, "orgwatch_checks_total"),
    lag: histogram(s.body, "orgwatch_scheduler_lag_seconds"),
  };
}

/** Runs the soak and returns its figures (the children are stopped whatever happens). */
export async function runSoak(o: SoakOptions): Promise<Record<string, number | string | null>> {
  const files = writeBenchFiles();
  const sim = await startSimulatorProcess(files, Math.min(o.simOrgs, o.orgs), 120_000);
  const port = await freePort();
  const config = writeMonitorConfig(files, {
    orgs: o.orgs,
    simOrgs: Math.min(o.simOrgs, o.orgs),
    intervalSeconds: o.intervalSeconds,
    simPort: sim.port,
    listenPort: port,
    sqlite: "soak.db",
  });
  const child = startMonitorProcess(config);
  try {
    const healthyAt = await waitFor(child, 120_000, async () => {
      const res = await httpGet(port, "/healthz", 60_000);
      return res.status === 200 ? performance.now() : null;
    });
    if (healthyAt === null) throw new Error(`monitor never became healthy: ${child.output()}`);
    const samples: Sample[] = [];
    const end = healthyAt + o.intervals * o.intervalSeconds * 1000;
    for (let done = false; !done && !child.exited();) {
      done = performance.now() >= end;
      const s = await sample(child, port, healthyAt);
      samples.push(s);
      o.log(
        `${s.at.toFixed(0)} s: rss ${String(mb(s.rssMb))} MB, ${String(s.unchecked)} never checked, ${String(s.checks)} checks`,
      );
      if (!done) await sleep(Math.max(0, Math.min(SCRAPE_EVERY_MS, end - performance.now())));
    }
    return figuresOf(o, samples, healthyAt - child.spawnedAt, memoryOf(child.pid).peak);
  } finally {
    await child.stop();
    await sim.child.stop();
    files.remove();
  }
}

function figuresOf(
  o: SoakOptions,
  samples: Sample[],
  startupMs: number,
  peakMb: number | null,
): Record<string, number | string | null> {
  const filled = samples.find((s) => s.unchecked === 0);
  const after = filled ? samples.filter((s) => s.at >= filled.at) : [];
  const last = samples.at(-1);
  const rss = after.map((s) => s.rssMb ?? 0);
  const lagP99 =
    filled && last && last !== filled ? quantile(0.99, bucketDelta(filled.lag, last.lag)) : null;
  const rate =
    filled && last && last.at > filled.at
      ? (last.checks - filled.checks) / (last.at - filled.at)
      : null;
  return {
    orgs: o.orgs,
    "interval s": o.intervalSeconds,
    "ran s": last ? Math.round(last.at) : 0,
    "startup ms": Math.round(startupMs),
    "all checked after s": filled ? Math.round(filled.at) : "never",
    "rss when all checked MB": filled ? mb(filled.rssMb) : null,
    "rss max after that MB": rss.length > 0 ? Math.round(Math.max(...rss)) : null,
    "rss last MB": last ? mb(last.rssMb) : null,
    "rss growth after all checked MB":
      filled && last ? Math.round((last.rssMb ?? 0) - (filled.rssMb ?? 0)) : null,
    "rss peak (VmHWM) MB": mb(peakMb),
    "checks/s after all checked": rate === null ? null : Math.round(rate),
    "lag p99 after all checked ms": lagP99 === null ? null : Math.round(lagP99 * 1000),
  };
}

const FLAGS: Record<string, keyof Omit<SoakOptions, "log">> = {
  "--orgs": "orgs",
  "--interval": "intervalSeconds",
  "--intervals": "intervals",
  "--sim-orgs": "simOrgs",
};

/** Parses the soak's flags; an error line for a bad one. */
export function soakOptions(args: string[]): SoakOptions | string {
  const o: SoakOptions = {
    orgs: 100_000,
    intervalSeconds: 300,
    intervals: 2,
    simOrgs: 2000,
    log: (line) => process.stderr.write(`soak: ${line}\n`),
  };
  for (let i = 0; i < args.length; i += 2) {
    const key = FLAGS[args[i] ?? ""];
    const value = Number(args[i + 1]);
    if (!key || !Number.isInteger(value) || value <= 0)
      return `soak takes ${Object.keys(FLAGS).join(", ")}, each with a positive whole number`;
    o[key] = value;
  }
  return o;
}
