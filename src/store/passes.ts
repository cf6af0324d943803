import type Database from "better-sqlite3";
import type { HealthEvent, Notice } from "../domain/incident.js";
import type { CheckResult } from "../domain/result.js";
import {
  checkRowOf,
  orgStateRowOf,
  stageRowOf,
  toMs,
  type CheckRow,
  type OrgStateRow,
  type StageRow,
} from "./rows.js";
import type { RecordedPass } from "./types.js";

const STATE_COLUMNS: readonly (keyof OrgStateRow)[] = [
  "org_id",
  "state",
  "cause",
  "state_since",
  "consecutive_failures",
  "consecutive_successes",
  "last_check_at",
  "last_token_success_at",
  "last_healthy_at",
  "first_seen_at",
  "first_success_at",
  "last_organization_id",
  "last_username",
  "last_instance_url",
  "username_org_id",
  "config_hash",
  "config_changed_at",
  "next_check_at",
  "backoff_level",
  "incident_id",
  "api_used",
  "api_max",
  "api_seen_at",
];

/** The upsert of one org_state row, every column named. */
export function upsertStateSql(): string {
  const cols = STATE_COLUMNS.join(", ");
  const values = STATE_COLUMNS.map((c) => `@${c}`).join(", ");
  const updates = STATE_COLUMNS.filter((c) => c !== "org_id")
    .map((c) => `${c} = excluded.${c}`)
    .join(", ");
  return `INSERT INTO org_state (${cols}) VALUES (${values})
    ON CONFLICT (org_id) DO UPDATE SET ${updates}`;
}

/**
 * Writes passes: check and stage rows, org state, incident changes and outbox rows, one
 * transaction per call. The check row goes first: when its id is already stored the pass was
 * recorded before (a replay), and nothing else of it is written.
 */
export class PassWriterSql {
  private readonly insertCheck: Database.Statement<CheckRow>;
  private readonly insertStage: Database.Statement<StageRow>;
  private readonly upsertState: Database.Statement<OrgStateRow>;
  private readonly openIncident: Database.Statement;
  private readonly changeCause: Database.Statement;
  private readonly closeIncident: Database.Statement;
  private readonly touchIncident: Database.Statement;
  private readonly insertCause: Database.Statement;
  private readonly insertOutbox: Database.Statement;
  readonly commit: (passes: readonly RecordedPass[]) => string[];
  readonly recordResults: (results: readonly CheckResult[]) => number;

  constructor(db: Database.Database) {
    this.insertCheck = db.prepare(
      `INSERT OR IGNORE INTO checks (check_id, org_id, started_at, finished_at, healthy, cause,
         stage, transient, summary, login_attempted)
       VALUES (@check_id, @org_id, @started_at, @finished_at, @healthy, @cause, @stage,
         @transient, @summary, @login_attempted)`,
    );
    this.insertStage = db.prepare(
      `INSERT OR IGNORE INTO check_results (check_id, org_id, stage, started_at, ok, skipped,
         skip_reason, duration_ms, http_status, error_code, cause)
       VALUES (@check_id, @org_id, @stage, @started_at, @ok, @skipped, @skip_reason,
         @duration_ms, @http_status, @error_code, @cause)`,
    );
    this.upsertState = db.prepare(upsertStateSql());
    this.openIncident = db.prepare(
      `INSERT OR IGNORE INTO incidents (id, org_id, cause, opened_at, closed_at, last_check_id)
       VALUES (?, ?, ?, ?, NULL, ?)`,
    );
    this.changeCause = db.prepare(
      "UPDATE incidents SET cause = ?, last_check_id = ? WHERE id = ? AND closed_at IS NULL",
    );
    this.closeIncident = db.prepare(
      "UPDATE incidents SET closed_at = ?, last_check_id = ? WHERE id = ? AND closed_at IS NULL",
    );
    this.touchIncident = db.prepare(
      "UPDATE incidents SET last_check_id = ? WHERE id = ? AND closed_at IS NULL",
    );
    this.insertCause = db.prepare(
      `INSERT OR IGNORE INTO incident_causes (incident_id, at, cause, check_id, stage, severity,
         transient, summary, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertOutbox = db.prepare(
      `INSERT OR IGNORE INTO outbox (event_id, org_id, incident_id, kind, cause, from_cause, at,
         check_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.recordResults = db.transaction((results: readonly CheckResult[]) => {
      let added = 0;
      for (const result of results) if (this.writeCheck(result)) added += 1;
      return added;
    });
    this.commit = db.transaction((passes: readonly RecordedPass[]) => {
      const fresh: string[] = [];
      for (const pass of passes) {
        if (!this.writeCheck(pass.result)) continue;
        fresh.push(pass.result.checkId);
        this.upsertState.run(orgStateRowOf(pass.state));
        this.writeIncident(pass.result, pass.event, pass.state.incidentId);
        for (const notice of pass.notices) this.writeNotice(pass.result, notice);
      }
      return fresh;
    });
  }

  private writeCheck(result: CheckResult): boolean {
    const row = checkRowOf(result);
    if (this.insertCheck.run(row).changes === 0) return false;
    for (const stage of result.stages)
      this.insertStage.run(stageRowOf(result, stage, row.started_at));
    return true;
  }

  private writeIncident(
    result: CheckResult,
    event: HealthEvent | null,
    openIncidentId: string | null,
  ): void {
    const at = toMs(result.startedAt);
    const checkId = result.checkId;
    if (event === null) {
      if (openIncidentId !== null) this.touchIncident.run(checkId, openIncidentId);
      return;
    }
    const d = result.diagnosis;
    const detail = [
      d?.stage ?? null,
      d?.severity ?? null,
      d?.transient ? 1 : 0,
      d?.summary ?? null,
      JSON.stringify(d?.fix ?? []),
    ];
    switch (event.kind) {
      case "opened":
        this.openIncident.run(event.incidentId, result.orgId, event.cause, at, checkId);
        this.insertCause.run(event.incidentId, at, event.cause, checkId, ...detail);
        break;
      case "cause_changed":
        this.changeCause.run(event.cause, checkId, event.incidentId);
        this.insertCause.run(event.incidentId, at, event.cause, checkId, ...detail);
        break;
      case "resolved":
        this.closeIncident.run(at, checkId, event.incidentId);
        break;
    }
    const fromCause = event.kind === "cause_changed" ? event.from : null;
    this.insertOutbox.run(
      `${checkId}:${event.kind}`,
      result.orgId,
      event.incidentId,
      event.kind,
      event.cause,
      fromCause,
      at,
      checkId,
      null,
    );
  }

  private writeNotice(result: CheckResult, notice: Notice): void {
    this.insertOutbox.run(
      notice.eventId,
      result.orgId,
      null,
      "notice",
      notice.cause,
      null,
      toMs(result.startedAt),
      result.checkId,
      JSON.stringify({ days: notice.days, notAfter: notice.notAfter }),
    );
  }
}
