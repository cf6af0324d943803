/**
 * The scale-out figure: the same always-due fleet as `checksPerSecond`, but `orgwatch run` with
 * scheduler.kind redis sends every check through BullMQ to N `orgwatch worker` processes, all on
 * this machine beside the simulator and redis-server. Rate measured on the coordinator's
 * /metrics, like the in-process figure.
 */
import { performance } from "node:perf_hooks";
import type { RunEnv } from "./bench-e2e.js";
import {
  freePort,
  startMonitorProcess,
  startRedisProcess,
  startWorkerProcess,
  waitFor,
  writeMonitorConfig,
  type Child,
} from "./bench-fleet.js";
import { httpGet, rateBetween, scrape, sumSamples } from "./bench-prom.js";

/** Checks each worker runs at once (the in-process run loop's concurrency). */
export const WORKER_CONCURRENCY = 32;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** checks/s through BullMQ with `workers` worker processes, or null (with a note) if not taken. */
export async function bullmqRun(
  env: RunEnv,
  opts: {
    label: string;
    orgs: number;
    intervalSeconds: number;
    windowSeconds: number;
    workers: number;
    redisPort: number;
  },
): Promise<number | null> {
  const left = (): number => Math.max(1, env.deadline - performance.now());
  const port = await freePort();
  const config = writeMonitorConfig(env.files, {
    orgs: opts.orgs,
    simOrgs: env.simOrgs,
    intervalSeconds: opts.intervalSeconds,
    simPort: env.simPort,
    listenPort: port,
    sqlite: `${opts.label}.db`,
    scheduler: {
      kind: "redis",
      redisUrl: `redis://127.0.0.1:${String(opts.redisPort)}`,
      prefix: opts.label,
      // Each worker runs 32 at once; the coordinator keeps its default maxInFlight (4 x 32):
      // with two workers, 64 running and up to 64 queued for them, what the README advises.
      concurrency: WORKER_CONCURRENCY,
    },
  });
  const children: Child[] = [];
  try {
    for (let i = 0; i < opts.workers; i++) {
      children.push(startWorkerProcess(config, WORKER_CONCURRENCY));
    }
    const monitor = startMonitorProcess(config);
    children.push(monitor);
    const ready = await waitFor(monitor, left(), async () => {
      const res = await httpGet(port, "/readyz", left());
      return res.status === 200 ? true : null;
    });
    if (ready === null) {
      env.notes.push(`${opts.label}: never ready (${monitor.output().slice(-300)})`);
      return null;
    }
    await sleep(Math.min(2000, left()));
    const a = await scrape(port, left());
    await sleep(Math.min(opts.windowSeconds * 1000, left()));
    const b = await scrape(port, left());
    const unhealthy = sumSamples(b.body, `orgwatch_checks_total{result="unhealthy"}`);
    if (unhealthy > 0) env.notes.push(`${opts.label}: ${String(unhealthy)} unhealthy passes`);
    return rateBetween(a, b, "orgwatch_checks_total");
  } catch (err) {
    env.notes.push(`${opts.label}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  } finally {
    for (const c of children.reverse()) await c.stop();
  }
}

/** The worker-process counts the BullMQ figure is taken for. */
export const BULLMQ_WORKERS = ["1", "2"] as const;
/** "1" or "2". */
export type BullmqWorkers = (typeof BULLMQ_WORKERS)[number];

/** How many BullMQ rounds, of what fleet, and where their rates and progress lines go. */
export interface BullmqRoundOptions {
  runs: number;
  orgs: number;
  intervalSeconds: number;
  windowSeconds: number;
  into: Record<BullmqWorkers, number[]>;
  log: (line: string) => void;
}

/**
 * Up to `runs` rounds of one run per worker count, each started only when the last round's
 * length still fits before the deadline; the rates go into `into`.
 */
export async function bullmqRounds(env: RunEnv, o: BullmqRoundOptions): Promise<void> {
  let redis: { child: Child; port: number };
  try {
    redis = await startRedisProcess(Math.max(1, env.deadline - performance.now()));
  } catch (err) {
    env.notes.push(`bullmq: no redis-server (${err instanceof Error ? err.message : "?"})`);
    return;
  }
  try {
    await rounds(env, { ...o, redisPort: redis.port });
  } finally {
    await redis.child.stop(5000);
  }
}

async function rounds(env: RunEnv, o: BullmqRoundOptions & { redisPort: number }): Promise<void> {
  let lastRoundMs = 0;
  for (let r = 0; r < o.runs; r++) {
    const started = performance.now();
    if (started + lastRoundMs > env.deadline) {
      env.notes.push(`bullmq: ${String(r)} of ${String(o.runs)} rounds fit in the time budget`);
      return;
    }
    o.log(`BullMQ with 1 and 2 workers, run ${String(r + 1)}`);
    for (const workers of BULLMQ_WORKERS) {
      const rate = await bullmqRun(env, {
        label: `bullmq-${workers}-${String(r + 1)}`,
        orgs: o.orgs,
        intervalSeconds: o.intervalSeconds,
        windowSeconds: o.windowSeconds,
        workers: Number(workers),
        redisPort: o.redisPort,
      });
      if (rate !== null) o.into[workers].push(rate);
    }
    lastRoundMs = performance.now() - started;
  }
}
