import type Database from "better-sqlite3";
import type {
  AlertDelivery,
  AlertLog,
  AlertMember,
  AlertNotice,
  AlertOp,
  AlertThread,
  DeliveryKind,
  DeliveryStatus,
} from "../domain/alerts.js";
import type { CauseId } from "../domain/causes.js";

interface ThreadRow {
  id: string;
  notifier: string;
  kind: string;
  cause: string;
  created_at: number;
  version: number;
  root_ref: string | null;
  closed_at: number | null;
  notice: string | null;
}

interface MemberRow {
  thread_id: string;
  incident_id: string;
  org_id: string;
  joined_at: number;
  cause: string;
  resolved_at: number | null;
  changed_version: number;
}

interface DeliveryRow {
  id: string;
  thread_id: string;
  seq: number;
  kind: string;
  version: number;
  created_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
}

const threadOf = (r: ThreadRow): AlertThread => ({
  id: r.id,
  notifier: r.notifier,
  kind: r.kind as AlertThread["kind"],
  cause: r.cause as CauseId,
  createdAt: r.created_at,
  version: r.version,
  rootRef: r.root_ref,
  closedAt: r.closed_at,
  notice: r.notice === null ? null : noticeOf(r.notice),
});

/** A stored notice; rows without a type are certificate notices. */
function noticeOf(text: string): AlertNotice {
  const n = JSON.parse(text) as AlertNotice | { orgId: string; days: number; notAfter: string };
  return "type" in n ? n : { type: "certificate", ...n };
}

const memberOf = (r: MemberRow): AlertMember => ({
  threadId: r.thread_id,
  incidentId: r.incident_id,
  orgId: r.org_id,
  joinedAt: r.joined_at,
  cause: r.cause as CauseId,
  resolvedAt: r.resolved_at,
  changedVersion: r.changed_version,
});

const deliveryOf = (r: DeliveryRow): AlertDelivery => ({
  id: r.id,
  threadId: r.thread_id,
  seq: r.seq,
  kind: r.kind as DeliveryKind,
  version: r.version,
  createdAt: r.created_at,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
});

const COLUMNS: Record<string, string> = {
  status: "status",
  attempts: "attempts",
  nextAttemptAt: "next_attempt_at",
  lastError: "last_error",
  sentAt: "sent_at",
};

/** The alerting log in SQLite: threads, members, deliveries; each change one transaction. */
export class SqliteAlertLog implements AlertLog {
  private readonly apply: (ops: readonly AlertOp[], consumer: string, seq: number) => void;

  constructor(private readonly db: Database.Database) {
    const insertThread = db.prepare(
      `INSERT OR IGNORE INTO alert_threads (id, notifier, kind, cause, created_at, version,
         root_ref, closed_at, notice) VALUES (?, ?, ?, ?, ?, 1, NULL, NULL, ?)`,
    );
    const bump = db.prepare("UPDATE alert_threads SET version = version + 1 WHERE id = ?");
    const versionOf = db.prepare<[string], { version: number }>(
      "SELECT version FROM alert_threads WHERE id = ?",
    );
    const join = db.prepare(
      `INSERT OR IGNORE INTO alert_members (thread_id, incident_id, org_id, joined_at, cause,
         resolved_at, changed_version) VALUES (?, ?, ?, ?, ?, NULL, ?)`,
    );
    const cause = db.prepare(
      "UPDATE alert_members SET cause = ?, changed_version = ? WHERE thread_id = ? AND incident_id = ?",
    );
    const resolve = db.prepare(
      `UPDATE alert_members SET resolved_at = ?, changed_version = ?
       WHERE thread_id = ? AND incident_id = ? AND resolved_at IS NULL`,
    );
    const ack = db.prepare(
      `INSERT INTO outbox_cursors (consumer, seq) VALUES (?, ?)
       ON CONFLICT (consumer) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
    );
    const next = (threadId: string): number => {
      bump.run(threadId);
      return versionOf.get(threadId)?.version ?? 1;
    };
    this.apply = db.transaction((ops: readonly AlertOp[], consumer: string, seq: number) => {
      for (const o of ops) {
        switch (o.op) {
          case "thread": {
            const t = o.thread;
            const notice = t.notice === null ? null : JSON.stringify(t.notice);
            insertThread.run(t.id, t.notifier, t.kind, t.cause, t.createdAt, notice);
            break;
          }
          case "join":
            join.run(o.threadId, o.incidentId, o.orgId, o.at, o.cause, next(o.threadId));
            break;
          case "cause":
            cause.run(o.cause, next(o.threadId), o.threadId, o.incidentId);
            break;
          case "resolve":
            resolve.run(o.at, next(o.threadId), o.threadId, o.incidentId);
            break;
        }
      }
      ack.run(consumer, seq);
    });
  }

  openThreads(): { thread: AlertThread; members: AlertMember[]; deliveries: AlertDelivery[] }[] {
    const threads = this.db
      .prepare<[], ThreadRow>("SELECT * FROM alert_threads WHERE closed_at IS NULL")
      .all();
    return threads.map((t) => this.withParts(t));
  }

  thread(
    id: string,
  ): { thread: AlertThread; members: AlertMember[]; deliveries: AlertDelivery[] } | null {
    const row = this.db
      .prepare<[string], ThreadRow>("SELECT * FROM alert_threads WHERE id = ?")
      .get(id);
    return row ? this.withParts(row) : null;
  }

  private withParts(t: ThreadRow): {
    thread: AlertThread;
    members: AlertMember[];
    deliveries: AlertDelivery[];
  } {
    const members = this.db
      .prepare<[string], MemberRow>(
        "SELECT * FROM alert_members WHERE thread_id = ? ORDER BY joined_at, incident_id",
      )
      .all(t.id)
      .map(memberOf);
    const deliveries = this.db
      .prepare<[string], DeliveryRow>(
        "SELECT * FROM alert_deliveries WHERE thread_id = ? ORDER BY seq",
      )
      .all(t.id)
      .map(deliveryOf);
    return { thread: threadOf(t), members, deliveries };
  }

  applyOps(ops: readonly AlertOp[], consumer: string, seq: number): void {
    this.apply(ops, consumer, seq);
  }

  addDelivery(d: AlertDelivery, close: boolean): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO alert_deliveries (id, thread_id, seq, kind, version, created_at,
             status, attempts, next_attempt_at, last_error, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          d.id,
          d.threadId,
          d.seq,
          d.kind,
          d.version,
          d.createdAt,
          d.status,
          d.attempts,
          d.nextAttemptAt,
          d.lastError,
          d.sentAt,
        );
      if (close) this.closeThread(d.threadId, d.createdAt);
    })();
  }

  addThread(t: AlertThread): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO alert_threads (id, notifier, kind, cause, created_at, version,
           root_ref, closed_at, notice) VALUES (?, ?, ?, ?, ?, 1, NULL, NULL, ?)`,
      )
      .run(
        t.id,
        t.notifier,
        t.kind,
        t.cause,
        t.createdAt,
        t.notice === null ? null : JSON.stringify(t.notice),
      );
  }

  closeThread(threadId: string, at: number): void {
    this.db
      .prepare("UPDATE alert_threads SET closed_at = ? WHERE id = ? AND closed_at IS NULL")
      .run(at, threadId);
  }

  dueDeliveries(nowMs: number, limit: number): AlertDelivery[] {
    return this.db
      .prepare<[number, number], DeliveryRow>(
        `SELECT * FROM alert_deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= ?
         ORDER BY created_at, seq LIMIT ?`,
      )
      .all(nowMs, limit)
      .map(deliveryOf);
  }

  inDoubt(): AlertDelivery[] {
    return this.db
      .prepare<[], DeliveryRow>("SELECT * FROM alert_deliveries WHERE status = 'sending'")
      .all()
      .map(deliveryOf);
  }

  updateDelivery(
    id: string,
    patch: Partial<
      Pick<AlertDelivery, "status" | "attempts" | "nextAttemptAt" | "lastError" | "sentAt">
    >,
  ): void {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${COLUMNS[k] ?? k} = @${k}`).join(", ");
    this.db.prepare(`UPDATE alert_deliveries SET ${sets} WHERE id = @id`).run({ ...patch, id });
  }

  setRootRef(threadId: string, ref: string): void {
    this.db.prepare("UPDATE alert_threads SET root_ref = ? WHERE id = ?").run(ref, threadId);
  }

  opensSince(orgId: string, sinceMs: number): number {
    const row = this.db
      .prepare<[string, number], { n: number }>(
        "SELECT COUNT(*) AS n FROM incidents WHERE org_id = ? AND opened_at >= ?",
      )
      .get(orgId, sinceMs);
    return row?.n ?? 0;
  }
}
