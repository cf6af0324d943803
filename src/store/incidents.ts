import type Database from "better-sqlite3";
import type { Incident, OutboxEvent } from "../domain/incident.js";
import {
  incidentOf,
  outboxEventOf,
  type IncidentCauseRow,
  type IncidentRow,
  type OutboxRow,
} from "./rows.js";
import type { IncidentLog } from "./types.js";

/** Incidents, the outbox and the delivery log, read side; passes write them (passes.ts). */
export class SqliteIncidentLog implements IncidentLog {
  private readonly causesOf: Database.Statement<[string], IncidentCauseRow>;

  constructor(private readonly db: Database.Database) {
    this.causesOf = db.prepare(
      "SELECT * FROM incident_causes WHERE incident_id = ? ORDER BY at, check_id",
    );
  }

  private withCauses(row: IncidentRow | undefined): Incident | null {
    return row ? incidentOf(row, this.causesOf.all(row.id)) : null;
  }

  incident(id: string): Incident | null {
    return this.withCauses(
      this.db.prepare<[string], IncidentRow>("SELECT * FROM incidents WHERE id = ?").get(id),
    );
  }

  openIncidentFor(orgId: string): Incident | null {
    return this.withCauses(
      this.db
        .prepare<[string], IncidentRow>(
          "SELECT * FROM incidents WHERE org_id = ? AND closed_at IS NULL",
        )
        .get(orgId),
    );
  }

  incidentsOf(orgId: string, limit: number): Incident[] {
    return this.db
      .prepare<[string, number], IncidentRow>(
        "SELECT * FROM incidents WHERE org_id = ? ORDER BY opened_at DESC LIMIT ?",
      )
      .all(orgId, limit)
      .map((row) => incidentOf(row, this.causesOf.all(row.id)));
  }

  outboxAfter(afterSeq: number, limit: number): OutboxEvent[] {
    return this.db
      .prepare<[number, number], OutboxRow>(
        "SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
      )
      .all(afterSeq, limit)
      .map(outboxEventOf);
  }

  outboxCursor(consumer: string): number {
    const row = this.db
      .prepare<[string], { seq: number }>("SELECT seq FROM outbox_cursors WHERE consumer = ?")
      .get(consumer);
    return row?.seq ?? 0;
  }

  ackOutbox(consumer: string, seq: number): void {
    this.db
      .prepare(
        `INSERT INTO outbox_cursors (consumer, seq) VALUES (?, ?)
         ON CONFLICT (consumer) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
      )
      .run(consumer, seq);
  }
}
