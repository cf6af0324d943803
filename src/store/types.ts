import type { CauseId } from "../domain/causes.js";
import type { OrgHistory } from "../domain/history.js";
import type { CheckResult, StageResult } from "../domain/result.js";
import type { StageId } from "../domain/stages.js";

/** Where an org stands in the health state machine. */
export type OrgHealth = "unknown" | "healthy" | "unhealthy";

/** Everything the monitor keeps per org between passes. Timestamps are ISO strings, null when never. */
export interface OrgState {
  orgId: string;
  state: OrgHealth;
  /** The cause of the current unhealthy state; null while healthy or unknown. */
  cause: CauseId | null;
  stateSince: string | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastCheckAt: string | null;
  lastSuccessAt: string | null;
  firstSeenAt: string | null;
  firstSuccessAt: string | null;
  lastOrganizationId: string | null;
  lastUsername: string | null;
  lastInstanceUrl: string | null;
  /** Hash of the org's connection settings; a change resets history-based rules. */
  configHash: string | null;
  configChangedAt: string | null;
  nextCheckAt: string | null;
  /** 0 when checking at the normal interval; n after n back-off steps. */
  backoffLevel: number;
}

/** One stored stage row of a pass (never evidence text: only status and codes). */
export interface StoredStage {
  stage: StageId;
  ok: boolean;
  skipped: boolean;
  skipReason: StageResult["skipReason"] | null;
  durationMs: number;
  httpStatus: number | null;
  errorCode: string | null;
  /** The pass's cause on the failing stage's row, null elsewhere. */
  cause: CauseId | null;
}

/** One stored pass, as `orgwatch history` shows it. */
export interface StoredCheck {
  checkId: string;
  orgId: string;
  startedAt: string;
  finishedAt: string;
  healthy: boolean;
  cause: CauseId | null;
  stage: StageId | null;
  transient: boolean;
  summary: string | null;
  loginAttempted: boolean;
  stages: StoredStage[];
}

/** An incident: one unhealthy episode of one org with one cause. */
export interface Incident {
  /** Deterministic: `${orgId}:${cause}:${openedAt}`. */
  id: string;
  orgId: string;
  cause: CauseId;
  openedAt: string;
  closedAt: string | null;
  lastCheckId: string | null;
}

/** What a notifier did about one incident event. */
export type DeliveryKind = "open" | "update" | "resolve";

/** A delivery attempt record; unique per (incident, notifier, kind). */
export interface IncidentDelivery {
  incidentId: string;
  notifier: string;
  kind: DeliveryKind;
  deliveredAt: string | null;
  /** What the notifier returned to refer to the message later (Slack ts, Message-ID). */
  externalRef: string | null;
  attempts: number;
  lastError: string | null;
}

/** Retention windows in milliseconds (config `storage.retention`). */
export interface Retention {
  raw: number;
  hourly: number;
  daily: number;
}

/** Rows removed by one prune. */
export interface PruneCounts {
  checks: number;
  stageRows: number;
  hourly: number;
  daily: number;
  logins: number;
}

/** One rollup bucket of one org. */
export interface RollupRow {
  orgId: string;
  bucketStart: string;
  checks: number;
  failures: number;
  /** Failing passes per cause. */
  causes: Partial<Record<CauseId, number>>;
  tokenP50Ms: number | null;
  tokenAvgMs: number | null;
  tokenMaxMs: number | null;
}

/** The history store the monitor records into and reads from. */
export interface HistoryStore {
  /** Records passes in one transaction; a check id already stored is skipped. Returns new passes. */
  recordResults(results: readonly CheckResult[]): number;
  /** The latest passes of an org, newest first, with their stage rows. */
  recentChecks(orgId: string, limit: number): StoredCheck[];
  /** The passes where the org's health or cause changed (the first pass counts), newest first. */
  transitions(orgId: string, limit?: number): StoredCheck[];

  getOrgState(orgId: string): OrgState | null;
  putOrgState(state: OrgState): void;
  listOrgStates(): OrgState[];
  /** The classifier's view of an org's past; EMPTY_HISTORY for an org never seen. */
  getOrgHistory(orgId: string): OrgHistory;

  /** Opens an incident unless the org already has an open one, which is returned instead. */
  openIncident(input: { orgId: string; cause: CauseId; openedAt: string; checkId: string }): {
    incident: Incident;
    created: boolean;
  };
  /** Closes an open incident; false when it was already closed or unknown. */
  closeIncident(id: string, closedAt: string, checkId?: string): boolean;
  /** The org's open incident, if any. */
  openIncidentFor(orgId: string): Incident | null;
  /** Inserts or replaces the delivery record of (incident, notifier, kind). */
  putDelivery(delivery: IncidentDelivery): void;
  getDelivery(incidentId: string, notifier: string, kind: DeliveryKind): IncidentDelivery | null;

  /** Notes one token request sent for a username. */
  recordLogin(username: string, atMs: number): void;
  /** Token requests sent for a username at or after `sinceMs`. */
  loginsSince(username: string, sinceMs: number): number;
  /** When those token requests were sent (epoch ms, oldest first), to rebuild a rolling window. */
  loginTimesSince(username: string, sinceMs: number): number[];

  /** Computes every completed hourly and daily bucket up to `nowMs`; returns buckets written. */
  rollup(nowMs: number): { hourly: number; daily: number };
  rollups(level: "hourly" | "daily", orgId: string, sinceMs: number): RollupRow[];
  /** Deletes rows older than their retention (login ledger after 2 h). */
  prune(nowMs: number, retention: Retention): PruneCounts;

  close(): void;
}
