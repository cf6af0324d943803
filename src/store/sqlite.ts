import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { OrgHistory } from "../domain/history.js";
import type { CheckResult } from "../domain/result.js";
import { IncidentStore } from "./incidents.js";
import { historyOf } from "./history.js";
import { migrate } from "./migrations.js";
import { readRollups, rollupLevel, type RollupLevel } from "./rollup.js";
import {
  checkRowOf,
  orgStateOf,
  orgStateRowOf,
  stageRowOf,
  storedCheckOf,
  storedStageOf,
  type CheckRow,
  type OrgStateRow,
  type StageRow,
} from "./rows.js";
import type { HistoryStore, OrgState, PruneCounts, Retention, StoredCheck } from "./types.js";

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
  // loses at most the checks still queued in memory (in flight), never a committed transaction.
  // Only a power loss or OS crash can drop the last few commits; the file is never corrupted.
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma("foreign_keys = ON");
  migrate(db);
  return new SqliteHistoryStore(db);
}

/** The better-sqlite3 implementation of the history store. */
export class SqliteHistoryStore extends IncidentStore implements HistoryStore {
  private readonly insertCheck: Database.Statement<CheckRow>;
  private readonly insertStage: Database.Statement<StageRow>;
  private readonly recordBatch: (results: readonly CheckResult[]) => number;

  constructor(db: Database.Database) {
    super(db);
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
    this.recordBatch = db.transaction((results: readonly CheckResult[]) => {
      let added = 0;
      for (const result of results) {
        const row = checkRowOf(result);
        if (this.insertCheck.run(row).changes === 0) continue;
        added += 1;
        for (const stage of result.stages) {
          this.insertStage.run(stageRowOf(result, stage, row.started_at));
        }
      }
      return added;
    });
  }

  recordResults(results: readonly CheckResult[]): number {
    return results.length === 0 ? 0 : this.recordBatch(results);
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
    const row = orgStateRowOf(state);
    const cols = Object.keys(row);
    const updates = cols.filter((c) => c !== "org_id").map((c) => `${c} = excluded.${c}`);
    this.db
      .prepare(
        `INSERT INTO org_state (${cols.join(", ")}) VALUES (${cols.map((c) => `@${c}`).join(", ")})
         ON CONFLICT (org_id) DO UPDATE SET ${updates.join(", ")}`,
      )
      .run(row);
  }

  listOrgStates(): OrgState[] {
    return this.db
      .prepare<[], OrgStateRow>("SELECT * FROM org_state ORDER BY org_id")
      .all()
      .map(orgStateOf);
  }

  getOrgHistory(orgId: string): OrgHistory {
    return historyOf(this.getOrgState(orgId));
  }

  recordLogin(username: string, atMs: number): void {
    this.db.prepare("INSERT INTO login_ledger (username, at) VALUES (?, ?)").run(username, atMs);
  }

  loginsSince(username: string, sinceMs: number): number {
    const row = this.db
      .prepare<[string, number], { n: number }>(
        "SELECT COUNT(*) AS n FROM login_ledger WHERE username = ? AND at >= ?",
      )
      .get(username, sinceMs);
    return row?.n ?? 0;
  }

  loginTimesSince(username: string, sinceMs: number): number[] {
    return this.db
      .prepare<[string, number], { at: number }>(
        "SELECT at FROM login_ledger WHERE username = ? AND at >= ? ORDER BY at",
      )
      .all(username, sinceMs)
      .map((row) => row.at);
  }

  rollup(nowMs: number): { hourly: number; daily: number } {
    return {
      hourly: rollupLevel(this.db, "hourly", nowMs),
      daily: rollupLevel(this.db, "daily", nowMs),
    };
  }

  rollups(level: RollupLevel, orgId: string, sinceMs: number) {
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
    }))();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
