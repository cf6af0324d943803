import type { CauseId } from "../domain/causes.js";
import type { CheckResult, StageResult } from "../domain/result.js";
import type { StageId } from "../domain/stages.js";
import type { Incident, IncidentCause, OutboxEvent } from "../domain/incident.js";
import type { OrgState } from "../domain/state.js";
import type { StoredCheck, StoredStage } from "./types.js";

/** ISO string to epoch ms; null stays null. Throws on a malformed timestamp (a bug upstream). */
export function toMs(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp ${JSON.stringify(iso)}`);
  return ms;
}

/** Epoch ms to ISO string; null stays null. */
export function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A `checks` row. */
export interface CheckRow {
  check_id: string;
  org_id: string;
  started_at: number;
  finished_at: number;
  healthy: number;
  cause: string | null;
  stage: string | null;
  transient: number;
  summary: string | null;
  login_attempted: number;
}

/** A `check_results` row. */
export interface StageRow {
  check_id: string;
  org_id: string;
  stage: string;
  started_at: number;
  ok: number;
  skipped: number;
  skip_reason: string | null;
  duration_ms: number;
  http_status: number | null;
  error_code: string | null;
  cause: string | null;
}

/** The `checks` row of a result. */
export function checkRowOf(result: CheckResult): CheckRow {
  const d = result.diagnosis;
  return {
    check_id: result.checkId,
    org_id: result.orgId,
    started_at: toMs(result.startedAt) ?? 0,
    finished_at: toMs(result.finishedAt) ?? 0,
    healthy: result.healthy ? 1 : 0,
    cause: d?.cause ?? null,
    stage: d?.stage ?? null,
    transient: d?.transient ? 1 : 0,
    summary: d?.summary ?? null,
    login_attempted: result.loginAttempted ? 1 : 0,
  };
}

/** The `check_results` row of one stage; only codes and statuses, never evidence text. */
export function stageRowOf(result: CheckResult, stage: StageResult, startedAt: number): StageRow {
  const d = result.diagnosis;
  return {
    check_id: result.checkId,
    org_id: result.orgId,
    stage: stage.stage,
    started_at: startedAt,
    ok: stage.ok ? 1 : 0,
    skipped: stage.skipped ? 1 : 0,
    skip_reason: stage.skipReason ?? null,
    duration_ms: stage.durationMs,
    http_status: stage.httpStatus,
    error_code: stage.errorCode,
    cause: d && d.stage === stage.stage ? d.cause : null,
  };
}

/** A stored stage from its row. */
export function storedStageOf(row: StageRow): StoredStage {
  return {
    stage: row.stage as StageId,
    ok: row.ok === 1,
    skipped: row.skipped === 1,
    skipReason: (row.skip_reason as StageResult["skipReason"]) ?? null,
    durationMs: row.duration_ms,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    cause: row.cause as CauseId | null,
  };
}

/** A stored check from its row and its stage rows. */
export function storedCheckOf(row: CheckRow, stages: StoredStage[]): StoredCheck {
  return {
    checkId: row.check_id,
    orgId: row.org_id,
    startedAt: toIso(row.started_at) ?? "",
    finishedAt: toIso(row.finished_at) ?? "",
    healthy: row.healthy === 1,
    cause: row.cause as CauseId | null,
    stage: row.stage as StageId | null,
    transient: row.transient === 1,
    summary: row.summary,
    loginAttempted: row.login_attempted === 1,
    stages,
  };
}

/** An `org_state` row. */
export interface OrgStateRow {
  org_id: string;
  state: string;
  cause: string | null;
  state_since: number | null;
  consecutive_failures: number;
  consecutive_successes: number;
  last_check_at: number | null;
  last_token_success_at: number | null;
  last_healthy_at: number | null;
  first_seen_at: number | null;
  first_success_at: number | null;
  last_organization_id: string | null;
  last_username: string | null;
  last_instance_url: string | null;
  username_org_id: string | null;
  config_hash: string | null;
  config_changed_at: number | null;
  next_check_at: number | null;
  backoff_level: number;
  incident_id: string | null;
  api_used: number | null;
  api_max: number | null;
  api_seen_at: number | null;
}

/** The row for an org state. */
export function orgStateRowOf(s: OrgState): OrgStateRow {
  return {
    org_id: s.orgId,
    state: s.state,
    cause: s.cause,
    state_since: toMs(s.stateSince),
    consecutive_failures: s.consecutiveFailures,
    consecutive_successes: s.consecutiveSuccesses,
    last_check_at: toMs(s.lastCheckAt),
    last_token_success_at: toMs(s.lastTokenSuccessAt),
    last_healthy_at: toMs(s.lastHealthyAt),
    first_seen_at: toMs(s.firstSeenAt),
    first_success_at: toMs(s.firstSuccessAt),
    last_organization_id: s.lastOrganizationId,
    last_username: s.lastUsername,
    last_instance_url: s.lastInstanceUrl,
    username_org_id: s.usernameOrganizationId,
    config_hash: s.configHash,
    config_changed_at: toMs(s.configChangedAt),
    next_check_at: toMs(s.nextCheckAt),
    backoff_level: s.backoffLevel,
    incident_id: s.incidentId,
    api_used: s.apiUsage?.used ?? null,
    api_max: s.apiUsage?.max ?? null,
    api_seen_at: toMs(s.apiUsage?.at ?? null),
  };
}

/** The org state of a row. */
export function orgStateOf(r: OrgStateRow): OrgState {
  return {
    orgId: r.org_id,
    state: r.state as OrgState["state"],
    cause: r.cause as CauseId | null,
    stateSince: toIso(r.state_since),
    consecutiveFailures: r.consecutive_failures,
    consecutiveSuccesses: r.consecutive_successes,
    lastCheckAt: toIso(r.last_check_at),
    lastTokenSuccessAt: toIso(r.last_token_success_at),
    lastHealthyAt: toIso(r.last_healthy_at),
    firstSeenAt: toIso(r.first_seen_at),
    firstSuccessAt: toIso(r.first_success_at),
    lastOrganizationId: r.last_organization_id,
    lastUsername: r.last_username,
    lastInstanceUrl: r.last_instance_url,
    usernameOrganizationId: r.username_org_id,
    configHash: r.config_hash,
    configChangedAt: toIso(r.config_changed_at),
    nextCheckAt: toIso(r.next_check_at),
    backoffLevel: r.backoff_level,
    incidentId: r.incident_id,
    apiUsage:
      r.api_used !== null && r.api_max !== null && r.api_seen_at !== null
        ? { used: r.api_used, max: r.api_max, at: toIso(r.api_seen_at) ?? "" }
        : null,
  };
}

/** An `incidents` row. */
export interface IncidentRow {
  id: string;
  org_id: string;
  cause: string;
  opened_at: number;
  closed_at: number | null;
  last_check_id: string | null;
  close_note: string | null;
}

/** An `incident_causes` row. */
export interface IncidentCauseRow {
  incident_id: string;
  at: number;
  cause: string;
  check_id: string;
  stage: string | null;
  severity: string | null;
  transient: number;
  summary: string | null;
  fix: string | null;
}

/** The incident of a row and its cause rows (oldest first). */
export function incidentOf(r: IncidentRow, causes: readonly IncidentCauseRow[]): Incident {
  return {
    id: r.id,
    orgId: r.org_id,
    cause: r.cause as CauseId,
    openedAt: toIso(r.opened_at) ?? "",
    closedAt: toIso(r.closed_at),
    lastCheckId: r.last_check_id,
    closeNote: r.close_note,
    causes: causes.map((c): IncidentCause => ({
      cause: c.cause as CauseId,
      at: toIso(c.at) ?? "",
      checkId: c.check_id,
      severity: c.severity as IncidentCause["severity"],
      transient: c.transient === 1,
      summary: c.summary,
      fix: c.fix === null ? [] : (JSON.parse(c.fix) as string[]),
    })),
  };
}

/** An `outbox` row. */
export interface OutboxRow {
  seq: number;
  event_id: string;
  org_id: string;
  incident_id: string | null;
  kind: string;
  cause: string;
  from_cause: string | null;
  at: number;
  check_id: string;
  detail: string | null;
}

/** The outbox event of a row. */
export function outboxEventOf(r: OutboxRow): OutboxEvent {
  return {
    seq: r.seq,
    eventId: r.event_id,
    orgId: r.org_id,
    incidentId: r.incident_id,
    kind: r.kind as OutboxEvent["kind"],
    cause: r.cause as CauseId,
    fromCause: r.from_cause as CauseId | null,
    at: toIso(r.at) ?? "",
    checkId: r.check_id,
    notice: r.detail === null ? null : (JSON.parse(r.detail) as { days: number; notAfter: string }),
  };
}
