import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { CAUSE_IDS, CAUSE_SUMMARIES } from "../domain/causes.js";
import { STAGE_IDS } from "../domain/stages.js";
import {
  BUDGET_SKIP_REASONS,
  CHECK_OUTCOMES,
  ORG_STATES,
  STAGE_OUTCOMES,
  type OrgMetricsView,
} from "./types.js";

/** The fleet counters and histograms fed by results; every label set exists at 0 from the start. */
export interface FleetInstruments {
  checks: Counter<"result">;
  failures: Counter<"cause">;
  stageResults: Counter<"stage" | "result">;
  stageDuration: Histogram<"stage">;
  checkDuration: Histogram;
  logins: Counter;
  schedulerLag: Histogram;
  budgetSkips: Counter<"reason">;
}

/** Registers the fleet counters and histograms. */
export function registerFleetInstruments(registry: Registry): FleetInstruments {
  const registers = [registry];
  const checks = new Counter({
    name: "orgwatch_checks_total",
    help: "Passes finished, by result: healthy, unhealthy, or error (the pass could not run).",
    labelNames: ["result"],
    registers,
  });
  for (const result of CHECK_OUTCOMES) checks.inc({ result }, 0);
  const failures = new Counter({
    name: "orgwatch_check_failures_total",
    help: "Unhealthy passes by root cause.",
    labelNames: ["cause"],
    registers,
  });
  for (const cause of CAUSE_IDS) failures.inc({ cause }, 0);
  const stageResults = new Counter({
    name: "orgwatch_stage_results_total",
    help: "Stage outcomes by stage and result: ok, failed or skipped.",
    labelNames: ["stage", "result"],
    registers,
  });
  for (const stage of STAGE_IDS) {
    for (const result of STAGE_OUTCOMES) stageResults.inc({ stage, result }, 0);
  }
  return {
    checks,
    failures,
    stageResults,
    stageDuration: new Histogram({
      name: "orgwatch_stage_duration_seconds",
      help: "Duration of stages that ran (not skipped), by stage.",
      labelNames: ["stage"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers,
    }),
    checkDuration: new Histogram({
      name: "orgwatch_check_duration_seconds",
      help: "Duration of whole passes.",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60],
      registers,
    }),
    logins: new Counter({
      name: "orgwatch_login_requests_total",
      help: "Token requests the monitor sent (each counts against a user's login budget).",
      registers,
    }),
    schedulerLag: new Histogram({
      name: "orgwatch_scheduler_lag_seconds",
      help: "How late checks started after they were due.",
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900],
      registers,
    }),
    budgetSkips: skipCounter(registry),
  };
}

function skipCounter(registry: Registry): Counter<"reason"> {
  const counter = new Counter({
    name: "orgwatch_budget_skips_total",
    help: "Checks or stages skipped to protect a budget: login_budget or api_floor.",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const reason of BUDGET_SKIP_REASONS) counter.inc({ reason }, 0);
  return counter;
}

/** The fleet-wide counts of one scrape, tallied over the same views as the per-org series. */
export interface FleetTally {
  byState: Map<string, number>;
  byCause: Map<string, number>;
  backoff: number;
}

/** An empty tally: every state and every cause present at 0. */
export function emptyTally(): FleetTally {
  return {
    byState: new Map(ORG_STATES.map((s) => [s, 0])),
    byCause: new Map(CAUSE_IDS.map((c) => [c, 0])),
    backoff: 0,
  };
}

/** Counts one org into the tally. */
export function tallyOrg(tally: FleetTally, org: OrgMetricsView): void {
  tally.byState.set(org.state, (tally.byState.get(org.state) ?? 0) + 1);
  if (org.state === "unhealthy" && org.cause) {
    tally.byCause.set(org.cause, (tally.byCause.get(org.cause) ?? 0) + 1);
  }
  if (org.backoffLevel > 0) tally.backoff += 1;
}

/**
 * Registers the fleet gauges; the scrape sets them from its tally before the registry renders,
 * so they count exactly the orgs the per-org series show.
 */
export function registerFleetGauges(registry: Registry): (tally: FleetTally) => void {
  const byState = new Gauge({
    name: "orgwatch_orgs",
    help: "Configured orgs by health state: unknown, healthy, unhealthy.",
    labelNames: ["state"],
    registers: [registry],
  });
  const byCause = new Gauge({
    name: "orgwatch_orgs_by_cause",
    help: "Unhealthy orgs by current root cause; every cause is present, at 0 when none.",
    labelNames: ["cause"],
    registers: [registry],
  });
  const backoff = new Gauge({
    name: "orgwatch_orgs_backoff",
    help: "Orgs checked less often than their interval because of repeated failures.",
    registers: [registry],
  });
  const causeInfo = new Gauge({
    name: "orgwatch_cause_info",
    help: "Always 1: each root cause's one-line summary, to join beside a cause id.",
    labelNames: ["cause", "summary"],
    registers: [registry],
  });
  for (const cause of CAUSE_IDS) causeInfo.set({ cause, summary: CAUSE_SUMMARIES[cause] }, 1);
  const set = (tally: FleetTally): void => {
    byState.reset();
    byCause.reset();
    for (const [state, n] of tally.byState) byState.set({ state }, n);
    for (const [cause, n] of tally.byCause) byCause.set({ cause }, n);
    backoff.set(tally.backoff);
  };
  set(emptyTally());
  return set;
}
