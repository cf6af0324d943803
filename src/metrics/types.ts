import type { CauseId } from "../domain/causes.js";
import type { CheckResult } from "../domain/result.js";
import type { OrgwatchRegistry } from "./registry.js";

/** Health states as exported in the `state` label. */
export const ORG_STATES = ["unknown", "healthy", "unhealthy"] as const;

/** One org health state. */
export type OrgStateLabel = (typeof ORG_STATES)[number];

/** Why the scheduler skipped a check or stage to protect a budget. */
export const BUDGET_SKIP_REASONS = ["login_budget", "api_floor"] as const;

/** One budget skip reason. */
export type BudgetSkipReason = (typeof BUDGET_SKIP_REASONS)[number];

/** Outcomes of a pass in `orgwatch_checks_total`. */
export const CHECK_OUTCOMES = ["healthy", "unhealthy", "error"] as const;

/** Outcomes of a stage in `orgwatch_stage_results_total`. */
export const STAGE_OUTCOMES = ["ok", "failed", "skipped"] as const;

/**
 * What the scheduler knows about one configured org at scrape time. The provider is the single
 * source of truth for which orgs exist: an org removed from the config disappears from /metrics.
 */
export interface OrgMetricsView {
  /** The org id from the config (a bounded label). */
  id: string;
  state: OrgStateLabel;
  /** Current cause while unhealthy, else null. */
  cause: CauseId | null;
  /** 0 at the normal interval; n after n back-off steps. */
  backoffLevel: number;
  /** Epoch ms of the last finished pass / last pass that passed every check; null when never. */
  lastCheckAt: number | null;
  lastHealthyAt: number | null;
  /** Epoch ms the org's next check is due (after back-off); null or absent when unknown. */
  nextCheckAt?: number | null;
  /** Token requests sent in the last hour for this org's user, and the configured hourly budget. */
  loginsUsed: number;
  loginBudget: number;
  /** Certificate notAfter from the config (epoch ms) when known; results may refresh it. */
  certificateNotAfter?: number | null;
}

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** The registry to register on (from `createRegistry`: it streams the per-org families). */
  registry: OrgwatchRegistry;
  /** Whether per-org series are exported (config `metrics.perOrg`). Fleet series always are. */
  perOrg: boolean;
  /** Called at each scrape; returns every configured org. */
  orgs: () => Iterable<OrgMetricsView>;
  /**
   * When given, `orgwatch_build_info` and the Node process metrics are exported too (the long-
   * running monitor; not `orgwatch check`). `version` is read once by the composition root.
   */
  build?: { version: string };
}

/** What the monitor and the scheduler call to feed the metrics. */
export interface OrgwatchMetrics {
  /** Counts a finished pass, its stages and durations, and remembers its org facts. */
  recordResult(result: CheckResult): void;
  /** Counts a pass that could not run at all (a bug or an infrastructure error, not a failure). */
  countCheckError(): void;
  /** How late a check started after it was due. */
  observeSchedulerLag(seconds: number): void;
  /** Counts a check or stage skipped to protect a budget. */
  countBudgetSkip(reason: BudgetSkipReason): void;
  /** Drops remembered facts of orgs no longer configured. */
  forgetOrg(orgId: string): void;
}
