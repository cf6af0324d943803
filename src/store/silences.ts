import type Database from "better-sqlite3";
import type { Silence, SilenceLog, SilenceMatch } from "../domain/silences.js";

interface SilenceRow {
  id: string;
  match_json: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
}

const silenceOf = (row: SilenceRow): Silence => ({
  id: row.id,
  match: JSON.parse(row.match_json) as SilenceMatch,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  createdBy: row.created_by,
  comment: row.comment,
  createdAt: row.created_at,
});

/** Run-time silences in the `silences` table (migration 5). */
export class SqliteSilenceLog implements SilenceLog {
  constructor(private readonly db: Database.Database) {}

  addSilence(s: Silence): void {
    this.db
      .prepare(
        `INSERT INTO silences (id, match_json, starts_at, ends_at, created_by, comment, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.id,
        JSON.stringify(s.match),
        s.startsAt,
        s.endsAt,
        s.createdBy,
        s.comment,
        s.createdAt,
      );
  }

  silence(id: string): Silence | null {
    const row = this.db
      .prepare<[string], SilenceRow>("SELECT * FROM silences WHERE id = ?")
      .get(id);
    return row ? silenceOf(row) : null;
  }

  silencesSince(sinceMs: number): Silence[] {
    return this.db
      .prepare<[number], SilenceRow>(
        "SELECT * FROM silences WHERE ends_at >= ? ORDER BY created_at DESC, id DESC",
      )
      .all(sinceMs)
      .map(silenceOf);
  }

  activeSilences(nowMs: number): Silence[] {
    return this.db
      .prepare<[number, number], SilenceRow>(
        "SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id",
      )
      .all(nowMs, nowMs)
      .map(silenceOf);
  }

  expireSilence(id: string, nowMs: number): Silence | null {
    return this.db.transaction(() => {
      const found = this.silence(id);
      if (!found || found.endsAt <= nowMs) return found;
      const startsAt = Math.min(found.startsAt, nowMs);
      this.db
        .prepare("UPDATE silences SET starts_at = ?, ends_at = ? WHERE id = ?")
        .run(startsAt, nowMs, id);
      return { ...found, startsAt, endsAt: nowMs };
    })();
  }
}
