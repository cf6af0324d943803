import type { CauseId } from "../domain/causes.js";
import type { HealthEvent, Notice, Incident, OutboxEvent } from "../domain/incident.js";
import type { CheckResult, StageResult } from "../domain/result.js";
import type { SilenceLog } from "../domain/silences.js";
import type { OrgState } from "../domain/state.js";
import type { StageId } from "../domain/stages.js";

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
  outbox: number;
  /** Run-time silences ended longer ago than the raw retention. */
  silences: number;
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

/** One recorded pass: the result, the org state after it, and the health event it caused. */
export interface RecordedPass {
  result: CheckResult;
  state: OrgState;
  event: HealthEvent | null;
  /** Notices this pass crossed (certificate thresholds); each is written once. */
  notices: Notice[];
}

/**
 * Commits recorded passes. Each pass's check rows, org state, incident change and outbox row
 * commit together (many passes share one transaction); a pass whose check id is already stored
 * changes nothing, so replaying a result is harmless.
 */
export interface PassLog {
  /** Commits in order; returns the check ids that were new. */
  commitPasses(passes: readonly RecordedPass[]): string[];
}

/** Raw pass history: what `orgwatch history` and the rollups read. */
export interface CheckHistory {
  /** Records passes (check rows only) in one transaction; a check id already stored is skipped. */
  recordResults(results: readonly CheckResult[]): number;
  /** The latest passes of an org, newest first, with their stage rows. */
  recentChecks(orgId: string, limit: number): StoredCheck[];
  /** The passes where the org's health or cause changed (the first pass counts), newest first. */
  transitions(orgId: string, limit?: number): StoredCheck[];
}

/** Org states as last committed. */
export interface StateStore {
  getOrgState(orgId: string): OrgState | null;
  /** Every stored state in one query (start-up of a large fleet). */
  listOrgStates(): OrgState[];
  /** Writes a state outside a pass (seeding, tests); passes go through PassLog. */
  putOrgState(state: OrgState): void;
}

/** Incidents, their delivery log and the outbox of health events. */
export interface IncidentLog {
  incident(id: string): Incident | null;
  /** The org's open incident, if any. */
  openIncidentFor(orgId: string): Incident | null;
  /** The org's incidents, newest first. */
  incidentsOf(orgId: string, limit: number): Incident[];
  /** Committed health events after `afterSeq`, oldest first. */
  outboxAfter(afterSeq: number, limit: number): OutboxEvent[];
  /** The last seq a consumer handled (0 when none). */
  outboxCursor(consumer: string): number;
  /** Moves a consumer's cursor forward (never back). */
  ackOutbox(consumer: string, seq: number): void;
}

/** The answer of a login budget request. */
export type LoginTake =
  { ok: true; times: number[] } | { ok: false; nextFreeAt: number; times: number[] };

/** One login asked of the ledger: for `username`, within `limit` an hour, at `nowMs`. */
export interface LoginRequest {
  username: string;
  limit: number;
  nowMs: number;
}

/**
 * The ledger of token requests, shared by every process on the database: the decision to send
 * one is taken inside a write transaction, so two processes cannot both take the last login.
 */
export interface LoginLedger {
  /**
   * Takes one login for `username` when fewer than `limit` were sent in the hour up to `nowMs`
   * (and records it); otherwise says when the next one is free. `times` is the window after.
   */
  takeLogin(username: string, limit: number, nowMs: number): LoginTake;
  /**
   * takeLogin for each request in order, in one write transaction (one commit for many due orgs):
   * a later request for the same user sees the logins the earlier ones took.
   */
  takeLogins(requests: readonly LoginRequest[]): LoginTake[];
  /** Notes a token request sent without asking (a forced one-shot check). */
  recordLogin(username: string, atMs: number): void;
  /** Token requests sent for a username at or after `sinceMs`. */
  loginsSince(username: string, sinceMs: number): number;
  /** When those token requests were sent (epoch ms, oldest first). */
  loginTimesSince(username: string, sinceMs: number): number[];
}

/** Rollups and retention: the hourly maintenance job's port. */
export interface Maintenance {
  /** Computes every completed hourly and daily bucket up to `nowMs`; returns buckets written. */
  rollup(nowMs: number): { hourly: number; daily: number };
  rollups(level: "hourly" | "daily", orgId: string, sinceMs: number): RollupRow[];
  /** Deletes rows older than their retention (login ledger after 2 h). */
  prune(nowMs: number, retention: Retention): PruneCounts;
}

/** What happens in the store when an org leaves the config (hot reload). */
export interface OrgRetirement {
  /**
   * In one transaction: closes the org's open incident with `note` and writes a `resolved`
   * outbox event for it (so alerting closes its threads), and resets the org's stored health
   * (state unknown, no incident) while keeping its history facts. Returns the closed incident's
   * id, or null when none was open. Idempotent.
   */
  retireOrg(orgId: string, atMs: number, note: string): string | null;
}

/** The run-time silence port (declared in the domain, where alerting can read it). */
export type { SilenceLog };

/** Everything the SQLite store offers; consumers take the narrow port they need. */
export interface HistoryStore
  extends PassLog, CheckHistory, StateStore, IncidentLog, LoginLedger, Maintenance, OrgRetirement {
  close(): void;
}
