import type { OrgTarget } from "../config/target.js";
import type { CheckResult } from "../domain/result.js";
import type { Logger } from "../platform/logger.js";
import type { OrgwatchMetrics } from "../metrics/types.js";
import type { BatchWriter, HistoryStore, OrgState } from "../store/index.js";
import { connectionHash } from "./config-hash.js";
import { nextCheck } from "./schedule.js";
import { applyPass, initialState, type HealthEvent } from "./transition.js";

/** The coordinator's dependencies: where results go. */
export interface CoordinatorDeps {
  store: HistoryStore;
  writer: BatchWriter;
  metrics: OrgwatchMetrics;
  logger: Logger;
}

/**
 * Records, exports and (later) alerts: the coordinator's half of the monitor. Workers produce
 * CheckResults; this turns each into history rows, org state, incidents and metrics. Keyed by
 * check id and deterministic incident ids, so recording the same result twice changes nothing.
 */
export class Coordinator {
  private readonly states = new Map<string, OrgState>();

  constructor(private readonly deps: CoordinatorDeps) {}

  /** The org's current state (cached; read from the store once). */
  state(orgId: string): OrgState {
    let state = this.states.get(orgId);
    if (!state) {
      state = this.deps.store.getOrgState(orgId) ?? initialState(orgId);
      this.states.set(orgId, state);
    }
    return state;
  }

  /** Every cached state, for metrics at scrape time. */
  cachedStates(): IterableIterator<OrgState> {
    return this.states.values();
  }

  /** Records one pass; returns the new state, whose nextCheckAt is when to check again. */
  record(target: OrgTarget, result: CheckResult, nowMs: number): OrgState {
    const prev = this.state(target.id);
    if (prev.lastCheckAt !== null && prev.lastCheckAt >= result.startedAt) return prev;
    const { next, event } = applyPass(prev, result, target, connectionHash(target));
    const failedAtToken = result.diagnosis?.stage === "token";
    const decision = nextCheck({
      intervalMs: target.interval,
      maxBackoffMs: target.maxBackoff,
      cause: result.diagnosis?.cause ?? null,
      transient: result.diagnosis?.transient ?? false,
      failedAtToken,
      backoffLevel: prev.backoffLevel,
      nowMs,
    });
    next.nextCheckAt = new Date(decision.nextAt).toISOString();
    next.backoffLevel = decision.backoffLevel;
    this.deps.writer.add(result);
    this.applyIncident(next, event, result);
    this.deps.store.putOrgState(next);
    this.states.set(target.id, next);
    this.deps.metrics.recordResult(result);
    for (const stage of result.stages) {
      if (stage.skipReason === "api_floor") this.deps.metrics.countBudgetSkip("api_floor");
    }
    return next;
  }

  private applyIncident(next: OrgState, event: HealthEvent, result: CheckResult): void {
    if (!event) return;
    const { store, logger } = this.deps;
    const at = result.startedAt;
    if (event.kind === "resolved" || event.kind === "cause_changed") {
      const open = store.openIncidentFor(next.orgId);
      if (open) store.closeIncident(open.id, at, result.checkId);
    }
    if (event.kind === "opened" || event.kind === "cause_changed") {
      store.openIncident({
        orgId: next.orgId,
        cause: event.cause,
        openedAt: at,
        checkId: result.checkId,
      });
    }
    logger.info(
      { org: next.orgId, event: event.kind, cause: event.cause, checkId: result.checkId },
      event.kind === "resolved"
        ? `${next.orgId} recovered from ${event.cause}`
        : `${next.orgId} is unhealthy: ${event.cause}`,
    );
  }
}
