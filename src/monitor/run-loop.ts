import type { CheckJob } from "../domain/job.js";
import type { CheckResult } from "../domain/result.js";
import type { Clock } from "../platform/clock.js";
import type { JobHandler } from "../scheduler/types.js";
import type { Coordinator } from "./coordinator.js";

/** Where a check job runs: in this process, or (scale-out) on a worker behind a queue. */
export interface CheckWorker {
  run(job: CheckJob, signal: AbortSignal): Promise<CheckResult>;
}

/** What the check-org handler wires together. */
export interface RunLoopDeps {
  coordinator: Coordinator;
  worker: CheckWorker;
  clock: Clock;
  /**
   * Whether this process may record now (scale-out: it still holds the coordinator lease, the
   * fence checked before each record). Always yes in process.
   */
  mayRecord?: () => boolean;
}

/** Never again, for an org that left the fleet. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * The way of one due org, in one place: admit (budget first) → the worker checks → record
 * (state, history, incident, outbox, metrics in one commit) → when it is due next. A pass whose
 * signal was aborted (shutdown) is dropped, never written.
 */
export function checkOrgHandler(deps: RunLoopDeps): JobHandler {
  return async (orgId, dueAt, signal) => {
    const admission = await deps.coordinator.admit(orgId, dueAt, deps.clock.now());
    switch (admission.kind) {
      case "unknown":
        return NEVER;
      case "postponed":
        return admission.until;
      case "run":
        break;
    }
    let result: CheckResult;
    try {
      result = await deps.worker.run(admission.job, signal);
    } catch (err) {
      // A wait given up at shutdown or on losing the lease is not a failed check.
      if (signal.aborted) return NEVER;
      throw err;
    }
    if (signal.aborted || deps.mayRecord?.() === false) return NEVER;
    const recorded = deps.coordinator.record(result, deps.clock.now());
    return recorded ? recorded.nextDueAt : NEVER;
  };
}
