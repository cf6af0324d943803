import type { CauseId } from "../domain/causes.js";
import type { CheckResult } from "../domain/result.js";
import type { OrgState } from "../store/types.js";

/** How an org's health changed with one pass; the alerting work turns these into messages. */
export type HealthEvent =
  | { kind: "opened"; cause: CauseId }
  | { kind: "cause_changed"; from: CauseId; cause: CauseId }
  | { kind: "resolved"; cause: CauseId }
  | null;

/** A fresh state for an org never checked. */
export function initialState(orgId: string): OrgState {
  return {
    orgId,
    state: "unknown",
    cause: null,
    stateSince: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastCheckAt: null,
    lastSuccessAt: null,
    firstSeenAt: null,
    firstSuccessAt: null,
    lastOrganizationId: null,
    lastUsername: null,
    lastInstanceUrl: null,
    configHash: null,
    configChangedAt: null,
    nextCheckAt: null,
    backoffLevel: 0,
  };
}

/**
 * The org state machine, a pure function of (previous state, pass, thresholds): down after
 * `failureThreshold` failing passes in a row, up after `successThreshold` passing ones. A cause
 * that changes while down is its own event, so each incident names one cause.
 */
export function applyPass(
  prev: OrgState,
  result: CheckResult,
  thresholds: { failureThreshold: number; successThreshold: number },
  configHash: string,
): { next: OrgState; event: HealthEvent } {
  const at = result.startedAt;
  const next: OrgState = { ...prev, lastCheckAt: at };
  next.firstSeenAt ??= at;
  if (prev.configHash !== null && prev.configHash !== configHash) next.configChangedAt = at;
  next.configHash = configHash;
  const tokenOk = result.stages.some((s) => s.stage === "token" && s.ok);
  if (tokenOk) {
    next.firstSuccessAt ??= at;
    next.lastSuccessAt = at;
    if (result.facts.organizationId) next.lastOrganizationId = result.facts.organizationId;
    if (result.facts.username) next.lastUsername = result.facts.username;
    if (result.facts.instanceUrl) next.lastInstanceUrl = result.facts.instanceUrl;
  }
  const cause = result.diagnosis?.cause ?? null;
  next.consecutiveFailures = cause ? prev.consecutiveFailures + 1 : 0;
  next.consecutiveSuccesses = cause ? 0 : prev.consecutiveSuccesses + 1;

  let event: HealthEvent = null;
  if (cause !== null && next.consecutiveFailures >= thresholds.failureThreshold) {
    if (prev.state !== "unhealthy") {
      event = { kind: "opened", cause };
      next.stateSince = at;
    } else if (prev.cause !== null && prev.cause !== cause) {
      event = { kind: "cause_changed", from: prev.cause, cause };
      next.stateSince = at;
    }
    next.state = "unhealthy";
    next.cause = cause;
  } else if (cause === null && next.consecutiveSuccesses >= thresholds.successThreshold) {
    if (prev.state === "unhealthy" && prev.cause !== null) {
      event = { kind: "resolved", cause: prev.cause };
    }
    if (prev.state !== "healthy") next.stateSince = at;
    next.state = "healthy";
    next.cause = null;
  }
  return { next, event };
}
