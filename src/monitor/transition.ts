import { incidentIdFor, type HealthEvent } from "../domain/incident.js";
import type { CheckResult } from "../domain/result.js";
import type { OrgState } from "../domain/state.js";

/**
 * The org state machine, a pure function of (previous state, pass, the target's thresholds): down after
 * `failureThreshold` failing passes in a row, up after `successThreshold` passing ones. A cause
 * that changes while down updates the open incident (same id), so an incident is one episode.
 */
export function applyPass(
  prev: OrgState,
  result: CheckResult,
  target: { failureThreshold: number; successThreshold: number; username: string },
  configHash: string,
): { next: OrgState; event: HealthEvent | null } {
  const at = result.startedAt;
  const next: OrgState = { ...prev, lastCheckAt: at };
  next.firstSeenAt ??= at;
  if (prev.configHash !== null && prev.configHash !== configHash) next.configChangedAt = at;
  next.configHash = configHash;
  const tokenOk = result.stages.some((s) => s.stage === "token" && s.ok);
  if (tokenOk) {
    next.firstSuccessAt ??= at;
    next.lastTokenSuccessAt = at;
    if (result.facts.organizationId) next.lastOrganizationId = result.facts.organizationId;
    if (result.facts.username) next.lastUsername = result.facts.username;
    if (result.facts.instanceUrl) next.lastInstanceUrl = result.facts.instanceUrl;
    const { username, organizationId } = result.facts;
    if (organizationId && username?.toLowerCase() === target.username.toLowerCase()) {
      next.usernameOrganizationId = organizationId;
    }
  }
  if (result.healthy) next.lastHealthyAt = at;
  if (result.facts.apiUsed !== undefined && result.facts.apiMax !== undefined) {
    next.apiUsage = { used: result.facts.apiUsed, max: result.facts.apiMax, at };
  }
  const cause = result.diagnosis?.cause ?? null;
  next.consecutiveFailures = cause ? prev.consecutiveFailures + 1 : 0;
  next.consecutiveSuccesses = cause ? 0 : prev.consecutiveSuccesses + 1;

  let event: HealthEvent | null = null;
  if (cause !== null && next.consecutiveFailures >= target.failureThreshold) {
    if (prev.state !== "unhealthy" || prev.incidentId === null) {
      const incidentId = incidentIdFor(prev.orgId, at);
      event = { kind: "opened", incidentId, cause };
      next.incidentId = incidentId;
      next.stateSince = at;
    } else if (prev.cause !== null && prev.cause !== cause) {
      event = { kind: "cause_changed", incidentId: prev.incidentId, from: prev.cause, cause };
    }
    next.state = "unhealthy";
    next.cause = cause;
  } else if (cause === null && next.consecutiveSuccesses >= target.successThreshold) {
    if (prev.state === "unhealthy" && prev.cause !== null && prev.incidentId !== null) {
      event = { kind: "resolved", incidentId: prev.incidentId, cause: prev.cause };
    }
    if (prev.state !== "healthy") next.stateSince = at;
    next.state = "healthy";
    next.cause = null;
    next.incidentId = null;
  }
  return { next, event };
}
