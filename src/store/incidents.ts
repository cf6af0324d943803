import type Database from "better-sqlite3";
import type { CauseId } from "../domain/causes.js";
import { deliveryOf, incidentOf, toMs, type DeliveryRow, type IncidentRow } from "./rows.js";
import type { DeliveryKind, Incident, IncidentDelivery } from "./types.js";

/** The deterministic id of an incident, so a retried open never creates a second one. */
export function incidentId(orgId: string, cause: CauseId, openedAt: string): string {
  return `${orgId}:${cause}:${openedAt}`;
}

/** Incidents and their deliveries; the history store extends it. */
export class IncidentStore {
  constructor(readonly db: Database.Database) {}

  openIncident(input: { orgId: string; cause: CauseId; openedAt: string; checkId: string }): {
    incident: Incident;
    created: boolean;
  } {
    return this.db.transaction(() => {
      const open = this.openIncidentFor(input.orgId);
      if (open) return { incident: open, created: false };
      const id = incidentId(input.orgId, input.cause, input.openedAt);
      const known = this.incident(id);
      // The same open replayed after its close returns the closed incident, never reopens it.
      if (known) return { incident: known, created: false };
      this.db
        .prepare(
          `INSERT INTO incidents (id, org_id, cause, opened_at, closed_at, last_check_id)
           VALUES (?, ?, ?, ?, NULL, ?)`,
        )
        .run(id, input.orgId, input.cause, toMs(input.openedAt), input.checkId);
      return { incident: this.incident(id) as Incident, created: true };
    })();
  }

  closeIncident(id: string, closedAt: string, checkId?: string): boolean {
    const result = this.db
      .prepare(
        `UPDATE incidents SET closed_at = ?, last_check_id = COALESCE(?, last_check_id)
         WHERE id = ? AND closed_at IS NULL`,
      )
      .run(toMs(closedAt), checkId ?? null, id);
    return result.changes === 1;
  }

  openIncidentFor(orgId: string): Incident | null {
    const row = this.db
      .prepare<[string], IncidentRow>(
        "SELECT * FROM incidents WHERE org_id = ? AND closed_at IS NULL",
      )
      .get(orgId);
    return row ? incidentOf(row) : null;
  }

  /** One incident by id. */
  incident(id: string): Incident | null {
    const row = this.db
      .prepare<[string], IncidentRow>("SELECT * FROM incidents WHERE id = ?")
      .get(id);
    return row ? incidentOf(row) : null;
  }

  putDelivery(d: IncidentDelivery): void {
    this.db
      .prepare(
        `INSERT INTO incident_deliveries
           (incident_id, notifier, kind, delivered_at, external_ref, attempts, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (incident_id, notifier, kind) DO UPDATE SET
           delivered_at = excluded.delivered_at, external_ref = excluded.external_ref,
           attempts = excluded.attempts, last_error = excluded.last_error`,
      )
      .run(
        d.incidentId,
        d.notifier,
        d.kind,
        toMs(d.deliveredAt),
        d.externalRef,
        d.attempts,
        d.lastError,
      );
  }

  getDelivery(incidentId: string, notifier: string, kind: DeliveryKind): IncidentDelivery | null {
    const row = this.db
      .prepare<[string, string, string], DeliveryRow>(
        "SELECT * FROM incident_deliveries WHERE incident_id = ? AND notifier = ? AND kind = ?",
      )
      .get(incidentId, notifier, kind);
    return row ? deliveryOf(row) : null;
  }
}
