import type Database from "better-sqlite3";

/**
 * The statement behind `OrgRetirement.retireOrg`: the open incident closes with a note and a
 * `resolved` outbox event (alerting resolves its threads the usual way, so a retry never
 * double-posts), and the stored health resets so the org, if it comes back, opens a fresh
 * incident on its first failing pass. History (checks, incidents, success facts) stays.
 */
export function retireOrgSql(
  db: Database.Database,
): (orgId: string, atMs: number, note: string) => string | null {
  const close = db.prepare<[number, string, string, string], { id: string; cause: string }>(
    `UPDATE incidents SET closed_at = ?, close_note = ?, last_check_id = ?
     WHERE org_id = ? AND closed_at IS NULL RETURNING id, cause`,
  );
  const outbox = db.prepare(
    `INSERT OR IGNORE INTO outbox (event_id, org_id, incident_id, kind, cause, from_cause, at,
       check_id, detail) VALUES (?, ?, ?, 'resolved', ?, NULL, ?, ?, ?)`,
  );
  const reset = db.prepare(
    `UPDATE org_state SET state = 'unknown', cause = NULL, state_since = NULL,
       consecutive_failures = 0, consecutive_successes = 0, incident_id = NULL,
       next_check_at = NULL, backoff_level = 0
     WHERE org_id = ?`,
  );
  return db.transaction((orgId: string, atMs: number, note: string): string | null => {
    // Not a pass: the event's check id names the reload, so it is unique and never a real check.
    const checkId = `config-removed:${new Date(atMs).toISOString()}`;
    const closed = close.get(atMs, note, checkId, orgId);
    if (closed) {
      const detail = JSON.stringify({ note });
      outbox.run(`${closed.id}:removed`, orgId, closed.id, closed.cause, atMs, checkId, detail);
    }
    reset.run(orgId);
    return closed?.id ?? null;
  });
}
