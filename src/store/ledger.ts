import type Database from "better-sqlite3";
import type { LoginLedger, LoginRequest, LoginTake } from "./types.js";

const HOUR_MS = 3_600_000;

/**
 * The login ledger in SQLite. `takeLogin` reads the user's last hour and inserts the new login
 * inside one IMMEDIATE transaction, which takes the database's write lock first: every process
 * sharing the file sees every other's logins, and two of them cannot both take the last one.
 */
export class SqliteLoginLedger implements LoginLedger {
  /** The user's login times after a moment, oldest first, as bare numbers (no row objects). */
  private readonly window: Database.Statement<[string, number], number>;
  private readonly insert: Database.Statement<[string, number]>;
  private readonly take: (username: string, limit: number, nowMs: number) => LoginTake;
  private readonly takeMany: (requests: readonly LoginRequest[]) => LoginTake[];

  constructor(private readonly db: Database.Database) {
    this.window = db
      .prepare<[string, number], number>(
        "SELECT at FROM login_ledger WHERE username = ? AND at > ? ORDER BY at",
      )
      .pluck();
    this.insert = db.prepare("INSERT INTO login_ledger (username, at) VALUES (?, ?)");
    const takeOne = (username: string, limit: number, nowMs: number): LoginTake => {
      const times = this.window.all(username, nowMs - HOUR_MS);
      if (times.length >= limit) {
        const oldest = times[times.length - limit] ?? nowMs;
        return { ok: false, nextFreeAt: oldest + HOUR_MS + 1, times };
      }
      this.insert.run(username, nowMs);
      times.push(nowMs);
      return { ok: true, times };
    };
    const one = db.transaction(takeOne);
    const many = db.transaction((requests: readonly LoginRequest[]) =>
      requests.map((r) => takeOne(r.username, r.limit, r.nowMs)),
    );
    this.take = (username, limit, nowMs) => one.immediate(username, limit, nowMs);
    this.takeMany = (requests) => (requests.length === 0 ? [] : many.immediate(requests));
  }

  takeLogin(username: string, limit: number, nowMs: number): LoginTake {
    return this.take(username, limit, nowMs);
  }

  takeLogins(requests: readonly LoginRequest[]): LoginTake[] {
    return this.takeMany(requests);
  }

  recordLogin(username: string, atMs: number): void {
    this.insert.run(username, atMs);
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
    return this.window.all(username, sinceMs - 1);
  }
}
