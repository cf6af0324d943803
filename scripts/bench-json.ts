/**
 * `npm run bench -- --json`: the figures of issue 11 as one JSON object on stdout (progress and a
 * figure/target/verdict table on stderr). Each figure is the median of its runs; a figure that
 * could not be taken inside the time budget is null, with a note saying why.
 */
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { STAGE_IDS } from "../src/domain/stages.js";
import { runBaseline } from "./bench-baseline.js";
import { median, scaleRun, throughputRun, type RunEnv, type ScaleFigures } from "./bench-e2e.js";
import { bullmqRounds, WORKER_CONCURRENCY, type BullmqWorkers } from "./bench-bullmq.js";
import { startSimulatorProcess, writeBenchFiles, type Child } from "./bench-fleet.js";
import { benchStore } from "./bench-store.js";
import { targetsOf, type Verdicts } from "./bench-targets.js";

/** What `--json` measures and how long it may take; every field has a full-size default. */
export interface BenchJsonOptions {
  /** Monitored orgs in the at-scale runs. */
  orgs: number;
  intervalSeconds: number;
  /** Length of each measuring window. */
  seconds: number;
  /** Runs per figure (the median is reported). */
  runs: number;
  /** Orgs the simulator serves; the monitored orgs share them (see the notes). */
  simOrgs: number;
  throughputOrgs: number;
  throughputIntervalSeconds: number;
  baselinePasses: number;
  sqlitePasses: number;
  /** The whole measurement's budget; runs that would not fit are skipped with a note. */
  budgetSeconds: number;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** The defaults: 100,000 orgs on 5 minutes, three runs each, inside nine minutes. */
export const FULL_SIZE: BenchJsonOptions = {
  orgs: 100_000,
  intervalSeconds: 300,
  seconds: 15,
  runs: 3,
  simOrgs: 500,
  throughputOrgs: 2000,
  throughputIntervalSeconds: 1,
  baselinePasses: 3000,
  sqlitePasses: 50_000,
  budgetSeconds: 540,
  log: (line) => process.stderr.write(`bench: ${line}\n`),
};

/** The run loop's concurrency, as the monitor config the bench writes sets it. */
const CONCURRENCY = 32;

/** The JSON object `--json` prints. */
export interface BenchJson extends Record<string, unknown> {
  machine: {
    cores: number;
    cpu: string;
    node: string;
    totalMemoryMb: number;
    /** 1, 5 and 15 minute load averages when the bench started: other work skews every figure. */
    loadAverage: number[];
  };
  orgs: number;
  intervalSeconds: number;
  demandPerSecond: number;
  checksPerSecond: number | null;
  baselinePerSecond: number | null;
  ratio: number | null;
  lagP99Ms: number | null;
  rssMb: number | null;
  startupMs: number | null;
  metricsScrapeMs: number | null;
  checksPerSecondDuringScrape: number | null;
  sqliteRowsPerSecond: number | null;
  /** checks/s through BullMQ, by worker processes (1 and 2). */
  bullmqPerSecond: Record<BullmqWorkers, number | null>;
  /** bullmqPerSecond with 2 workers over checksPerSecond (in process). */
  bullmqRatio: number | null;
  targets: Verdicts;
  notes: string[];
}

const round = (v: number | null, digits = 0): number | null =>
  v === null ? null : Number(v.toFixed(digits));

/** Runs every measurement and returns the JSON object; stops every child it started. */
export async function runBenchJson(partial: Partial<BenchJsonOptions> = {}): Promise<BenchJson> {
  const o: BenchJsonOptions = { ...FULL_SIZE, ...partial };
  const simOrgs = Math.min(o.simOrgs, o.orgs);
  const throughputOrgs = Math.min(o.throughputOrgs, o.orgs);
  const started = performance.now();
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  const notes: string[] = [];
  // Leave room to stop the last monitor (its grace is 10 s) and the simulator.
  const deadline = started + o.budgetSeconds * 1000 - 20_000;
  o.log(
    `${String(o.orgs)} orgs every ${String(o.intervalSeconds)} s; budget ${String(o.budgetSeconds)} s`,
  );

  const sqlite = Array.from({ length: o.runs }, () => benchStore(o.sqlitePasses));
  const files = writeBenchFiles();
  let sim: { child: Child; port: number } | null = null;
  const baseline: number[] = [];
  const throughput: number[] = [];
  const bullmq: Record<BullmqWorkers, number[]> = { "1": [], "2": [] };
  const scale: ScaleFigures[] = [];
  try {
    sim = await startSimulatorProcess(files, simOrgs, Math.max(1, deadline - performance.now()));
    const env: RunEnv = { files, simPort: sim.port, simOrgs, deadline, notes };
    for (let r = 0; r < o.runs && performance.now() < deadline; r++) {
      o.log(`baseline and throughput, run ${String(r + 1)}`);
      const b = await runBaseline({
        simPort: sim.port,
        privateKeyPem: files.privateKeyPem,
        orgs: simOrgs,
        passes: o.baselinePasses,
        concurrency: CONCURRENCY,
      });
      if (b.failed > 0)
        notes.push(`baseline run ${String(r + 1)}: ${String(b.failed)} passes failed`);
      baseline.push(b.perSecond);
      const t = await throughputRun(env, {
        label: `throughput-${String(r + 1)}`,
        orgs: throughputOrgs,
        intervalSeconds: o.throughputIntervalSeconds,
        windowSeconds: o.seconds,
      });
      if (t !== null) throughput.push(t);
    }
    let lastRunMs = 0;
    for (let r = 0; r < o.runs; r++) {
      const runStarted = performance.now();
      if (r > 0 && runStarted + lastRunMs > deadline) {
        notes.push(`at scale: ${String(r)} of ${String(o.runs)} runs fit in the time budget`);
        break;
      }
      o.log(`${String(o.orgs)} orgs, run ${String(r + 1)}`);
      scale.push(
        await scaleRun(env, {
          label: `scale-${String(r + 1)}`,
          orgs: o.orgs,
          intervalSeconds: o.intervalSeconds,
          windowSeconds: o.seconds,
        }),
      );
      lastRunMs = performance.now() - runStarted;
    }
    // After issue 11's figures, in what is left of the budget (a round that would not fit is
    // skipped with a note), so the scale-out figure never crowds them out.
    await bullmqRounds(env, {
      runs: o.runs,
      orgs: throughputOrgs,
      intervalSeconds: o.throughputIntervalSeconds,
      windowSeconds: o.seconds,
      into: bullmq,
      log: o.log,
    });
  } catch (err) {
    // A figure not taken is null; the reason goes in the notes rather than losing the others.
    const message = err instanceof Error ? err.message : String(err);
    notes.push(`stopped early: ${message.slice(0, 500)}`);
  } finally {
    await sim?.child.stop(5000);
    files.remove();
  }
  const endLoad = loadavg()[0] ?? 0;
  if (Math.max(load[0] ?? 0, endLoad) > availableParallelism() / 2) {
    notes.push(
      `the machine was busy (1-minute load ${String(load[0])} at the start, ${endLoad.toFixed(2)} at the end, ${String(availableParallelism())} cores): the figures are low and noisy`,
    );
  }
  return assemble(o, {
    simOrgs,
    throughputOrgs,
    sqlite,
    baseline,
    throughput,
    bullmq,
    scale,
    notes,
    started,
    load,
  });
}

function assemble(
  o: BenchJsonOptions,
  m: {
    simOrgs: number;
    throughputOrgs: number;
    sqlite: ReturnType<typeof benchStore>[];
    baseline: number[];
    throughput: number[];
    bullmq: Record<BullmqWorkers, number[]>;
    scale: ScaleFigures[];
    notes: string[];
    started: number;
    load: number[];
  },
): BenchJson {
  const of = (key: keyof ScaleFigures): number | null =>
    median(m.scale.map((f) => f[key]).filter((v): v is number => v !== null));
  const checksPerSecond = median(m.throughput);
  const bullmq1 = median(m.bullmq["1"]);
  const bullmq2 = median(m.bullmq["2"]);
  const baselinePerSecond = median(m.baseline);
  const demandPerSecond = o.orgs / o.intervalSeconds;
  const sqlitePasses = median(m.sqlite.map((s) => s.results / s.seconds));
  const figures = {
    orgs: o.orgs,
    intervalSeconds: o.intervalSeconds,
    demandPerSecond: round(demandPerSecond, 1) ?? 0,
    checksPerSecond: round(checksPerSecond, 1),
    baselinePerSecond: round(baselinePerSecond, 1),
    ratio:
      checksPerSecond !== null && baselinePerSecond
        ? round(checksPerSecond / baselinePerSecond, 3)
        : null,
    lagP99Ms: round(of("lagP99Ms")),
    rssMb: round(of("rssMb")),
    startupMs: round(of("startupMs")),
    metricsScrapeMs: round(of("metricsScrapeMs")),
    checksPerSecondDuringScrape: round(of("checksPerSecondDuringScrape"), 1),
    sqliteRowsPerSecond: round(sqlitePasses === null ? null : sqlitePasses * STAGE_IDS.length),
    bullmqRatio: checksPerSecond && bullmq2 !== null ? round(bullmq2 / checksPerSecond, 3) : null,
    achievedPerSecond: round(of("achievedPerSecond"), 1),
    readyMs: round(of("readyMs")),
    rssPeakMb: round(of("rssPeakMb")),
    sqlitePassesPerSecond: round(sqlitePasses),
  };
  const notes = [
    ...m.notes,
    `checksPerSecond: ${String(m.throughputOrgs)} orgs every ${String(o.throughputIntervalSeconds)} s (always due, so the figure is the run loop's capacity), ${String(o.seconds)} s window`,
    `baselinePerSecond: ${String(o.baselinePasses)} passes (sign + token POST + rest GET + limits GET), ${String(CONCURRENCY)} at a time, in the bench process`,
    `at scale: ${String(o.orgs)} orgs share ${String(m.simOrgs)} simulated orgs and users: the simulator finds an org by a linear scan per request, so 100,000 simulated orgs would make it the bottleneck`,
    `lagP99Ms and achievedPerSecond: a ${String(o.seconds)} s window after startup, opened by one scrape as a Prometheus scraping every ${String(o.seconds)} s would (first checks are spread over the interval, so demand is orgs/interval from the start); lag p99 as histogram_quantile over that window's buckets (bounds 0.1, 0.5, 1, 5 s…, so 99 means "under 100 ms")`,
    "sqliteRowsPerSecond: scripts/bench-store.ts (BatchWriter into a temp file), check rows = passes x stages",
    `bullmqPerSecond: the checksPerSecond fleet through orgwatch run with scheduler.kind redis, BullMQ on a local redis-server and 1 or 2 orgwatch worker processes (${String(WORKER_CONCURRENCY)} checks at a time each; the coordinator's default maxInFlight, ${String(4 * WORKER_CONCURRENCY)}), all on this machine, measured after the at-scale runs; bullmqRatio = 2 workers / in process`,
  ];
  return {
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? "unknown",
      node: process.version,
      totalMemoryMb: Math.round(totalmem() / 1_048_576),
      loadAverage: m.load,
    },
    ...figures,
    bullmqPerSecond: { "1": round(bullmq1, 1), "2": round(bullmq2, 1) },
    simulatedOrgs: m.simOrgs,
    runs: {
      baseline: m.baseline.length,
      throughput: m.throughput.length,
      bullmq1: m.bullmq["1"].length,
      bullmq2: m.bullmq["2"].length,
      scale: m.scale.length,
      sqlite: m.sqlite.length,
    },
    targets: targetsOf(figures, demandPerSecond),
    notes,
    elapsedSeconds: Math.round((performance.now() - m.started) / 1000),
  };
}
