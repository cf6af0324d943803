import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Incident, OutboxEvent } from "../domain/incident.js";
import type { CheckResult } from "../domain/result.js";
import type { OrgState } from "../domain/state.js";
import { SqliteAlertLog } from "./alerts.js";
import { SqliteIncidentLog } from "./incidents.js";
import { SqliteLoginLedger } from "./ledger.js";
import { migrate } from "./migrations.js";
import { PassWriterSql, upsertStateSql } from "./passes.js";
import { retireOrgSql } from "./retire.js";
import { SqliteSilenceLog } from "./silences.js";
import { readRollups, rollupLevel, type RollupLevel } from "./rollup.js";
import {
  orgStateOf,
  orgStateRowOf,
  storedCheckOf,
  storedStageOf,
  type CheckRow,
  type OrgStateRow,
  type StageRow,
} from "./rows.js";
import type {
  HistoryStore,
  LoginRequest,
  LoginTake,
  PruneCounts,
  RecordedPass,
  Retention,
  RollupRow,
  StoredCheck,
} from "./types.js";

/** How long login ledger rows are kept: the budget window is one hour, plus margin. */
export const LOGIN_LEDGER_KEEP_MS = 2 * 3_600_000;

/** Options for opening the store. */
export interface OpenStoreOptions {
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
}

/** Opens (creating folder and file as needed) and migrates the SQLite history store. */
export function openStore(path: string, options: OpenStoreOptions = {}): SqliteHistoryStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // Durability: in WAL mode with synchronous=NORMAL a commit is appended to the WAL file before
  // `commit` returns, but not fsynced. The OS page cache survives a process death, so a kill -9
  // loses at most the passes still queued in memory (in flight), never a committed transaction.
  // Only a power loss or OS crash can drop the last few commits; the file is never corrupted.
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${String(options.busyTimeoutMs ?? 5000)}`);
  db.pragma("foreign_keys = ON");
  migrate(db);
  return new SqliteHistoryStore(db);
}

/** The better-sqlite3 implementation of every store port. */
export class SqliteHistoryStore implements HistoryStore {
  private readonly passes: PassWriterSql;
  private readonly incidents: SqliteIncidentLog;
  private readonly ledger: SqliteLoginLedger;
  private readonly retire: ReturnType<typeof retireOrgSql>;
  /** Alert threads, members and deliveries (the alerting engine's log). */
  readonly alerts: SqliteAlertLog;
  /** Run-time silences (the API's and Slack's). */
  readonly silences: SqliteSilenceLog;

  constructor(readonly db: Database.Database) {
    this.alerts = new SqliteAlertLog(db);
    this.silences = new SqliteSilenceLog(db);
    this.passes = new PassWriterSql(db);
    this.incidents = new SqliteIncidentLog(db);
    this.ledger = new SqliteLoginLedger(db);
    this.retire = retireOrgSql(db);
  }

  retireOrg(orgId: string, atMs: number, note: string): string | null {
    return this.retire(orgId, atMs, note);
  }

  commitPasses(passes: readonly RecordedPass[]): string[] {
    return passes.length === 0 ? [] : this.passes.commit(passes);
  }

  recordResults(results: readonly CheckResult[]): number {
    return results.length === 0 ? 0 : this.passes.recordResults(results);
  }

  recentChecks(orgId: string, limit: number): StoredCheck[] {
    const rows = this.db
      .prepare<[string, number], CheckRow>(
        `SELECT * FROM checks WHERE org_id = ? ORDER BY started_at DESC, check_id DESC LIMIT ?`,
      )
      .all(orgId, limit);
    return this.withStages(rows);
  }

  transitions(orgId: string, limit = 100): StoredCheck[] {
    const rows = this.db
      .prepare<[string, number], CheckRow>(
        `SELECT check_id, org_id, started_at, finished_at, healthy, cause, stage, transient,
           summary, login_attempted
         FROM (
           SELECT c.*, LAG(healthy) OVER w AS prev_healthy, LAG(cause) OVER w AS prev_cause,
             ROW_NUMBER() OVER w AS n
           FROM checks c WHERE org_id = ?
           WINDOW w AS (ORDER BY started_at, check_id)
         )
         WHERE n = 1 OR healthy IS NOT prev_healthy OR cause IS NOT prev_cause
         ORDER BY started_at DESC, check_id DESC LIMIT ?`,
      )
      .all(orgId, limit);
    return this.withStages(rows);
  }

  private withStages(rows: CheckRow[]): StoredCheck[] {
    const stmt = this.db.prepare<[string], StageRow>(
      "SELECT * FROM check_results WHERE check_id = ? ORDER BY started_at",
    );
    return rows.map((row) => storedCheckOf(row, stmt.all(row.check_id).map(storedStageOf)));
  }

  getOrgState(orgId: string): OrgState | null {
    const row = this.db
      .prepare<[string], OrgStateRow>("SELECT * FROM org_state WHERE org_id = ?")
      .get(orgId);
    return row ? orgStateOf(row) : null;
  }

  putOrgState(state: OrgState): void {
    this.db.prepare(upsertStateSql()).run(orgStateRowOf(state));
  }

  listOrgStates(): OrgState[] {
    return this.db
      .prepare<[], OrgStateRow>("SELECT * FROM org_state ORDER BY org_id")
      .all()
      .map(orgStateOf);
  }

  incident(id: string): Incident | null {
    return this.incidents.incident(id);
  }

  openIncidentFor(orgId: string): Incident | null {
    return this.incidents.openIncidentFor(orgId);
  }

  incidentsOf(orgId: string, limit: number): Incident[] {
    return this.incidents.incidentsOf(orgId, limit);
  }

  outboxAfter(afterSeq: number, limit: number): OutboxEvent[] {
    return this.incidents.outboxAfter(afterSeq, limit);
  }

  outboxCursor(consumer: string): number {
    return this.incidents.outboxCursor(consumer);
  }

  ackOutbox(consumer: string, seq: number): void {
    this.incidents.ackOutbox(consumer, seq);
  }

  takeLogin(username: string, limit: number, nowMs: number): LoginTake {
    return this.ledger.takeLogin(username, limit, nowMs);
  }

  takeLogins(requests: readonly LoginRequest[]): LoginTake[] {
    return this.ledger.takeLogins(requests);
  }

  recordLogin(username: string, atMs: number): void {
    this.ledger.recordLogin(username, atMs);
  }

  loginsSince(username: string, sinceMs: number): number {
    return this.ledger.loginsSince(username, sinceMs);
  }

  loginTimesSince(username: string, sinceMs: number): number[] {
    return this.ledger.loginTimesSince(username, sinceMs);
  }

  rollup(nowMs: number): { hourly: number; daily: number } {
    return {
      hourly: rollupLevel(this.db, "hourly", nowMs),
      daily: rollupLevel(this.db, "daily", nowMs),
    };
  }

  rollups(level: RollupLevel, orgId: string, sinceMs: number): RollupRow[] {
    return readRollups(this.db, level, orgId, sinceMs);
  }

  prune(nowMs: number, retention: Retention): PruneCounts {
    const del = (sql: string, before: number): number => this.db.prepare(sql).run(before).changes;
    return this.db.transaction(() => ({
      stageRows: del("DELETE FROM check_results WHERE started_at < ?", nowMs - retention.raw),
      checks: del("DELETE FROM checks WHERE started_at < ?", nowMs - retention.raw),
      hourly: del("DELETE FROM rollup_hourly WHERE bucket_start < ?", nowMs - retention.hourly),
      daily: del("DELETE FROM rollup_daily WHERE bucket_start < ?", nowMs - retention.daily),
      logins: del("DELETE FROM login_ledger WHERE at < ?", nowMs - LOGIN_LEDGER_KEEP_MS),
      outbox: del("DELETE FROM outbox WHERE at < ?", nowMs - retention.raw),
      silences: del("DELETE FROM silences WHERE ends_at < ?", nowMs - retention.raw),
    }))();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
