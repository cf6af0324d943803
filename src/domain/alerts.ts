import type { CauseId } from "./causes.js";

/** What one message of a thread can be. */
export const DELIVERY_KINDS = ["open", "update", "reminder", "resolve", "notice"] as const;

/** What one message of a thread is. */
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** Why a send failed, from a fixed set (a metric label). */
export const FAILURE_REASONS = [
  "rate_limited",
  "server_error",
  "timeout",
  "network",
  "rejected",
  "auth",
  "config",
] as const;

/** One failure reason. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Why a message was given up. */
export const DROP_REASONS = ["too_old", "rejected", "disabled"] as const;

/**
 * An alert thread: what one notifier tells about one incident, or about a cause that hit many
 * orgs at once (their incidents are its members), or one notice. Times are epoch ms.
 */
export interface AlertThread {
  id: string;
  notifier: string;
  kind: "incident" | "notice";
  cause: CauseId;
  createdAt: number;
  /** Grows with every change of its members; a delivery records the version it told. */
  version: number;
  /** What the notifier returned for the thread's first message (Slack channel:ts, Message-ID). */
  rootRef: string | null;
  closedAt: number | null;
  /** For a notice thread: what it says. */
  notice: AlertNotice | null;
}

/**
 * A notice: a certificate copy nearing expiry (once per threshold), or a notifier disabled by a
 * permanent error (told on the others, so a broken alert channel never goes unnoticed).
 */
export type AlertNotice =
  | { type: "certificate"; orgId: string; days: number; notAfter: string }
  | { type: "notifier"; notifier: string; detail: string };

/** One incident in a thread. */
export interface AlertMember {
  threadId: string;
  incidentId: string;
  orgId: string;
  joinedAt: number;
  cause: CauseId;
  resolvedAt: number | null;
  /** The thread version at this member's last change. */
  changedVersion: number;
}

/** Where a delivery stands. `sending` left over after a crash is in doubt. */
export type DeliveryStatus = "pending" | "sending" | "sent" | "failed" | "dropped";

/** One message to send, written before it is sent and marked after. */
export interface AlertDelivery {
  /** `${threadId}#${seq}`: the idempotency key the notifiers pass on. */
  id: string;
  threadId: string;
  seq: number;
  kind: DeliveryKind;
  version: number;
  createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

/** A change to threads, computed from committed outbox events. */
export type AlertOp =
  | { op: "thread"; thread: AlertThread }
  | { op: "join"; threadId: string; incidentId: string; orgId: string; cause: CauseId; at: number }
  | { op: "cause"; threadId: string; incidentId: string; cause: CauseId }
  | { op: "resolve"; threadId: string; incidentId: string; at: number };

/** The alerting log: threads, members and deliveries, each change in one transaction. */
export interface AlertLog {
  /** Threads not yet closed, with their members and deliveries. */
  openThreads(): { thread: AlertThread; members: AlertMember[]; deliveries: AlertDelivery[] }[];
  /** Applies thread changes and moves the consumer's outbox cursor to `seq`, atomically. */
  applyOps(ops: readonly AlertOp[], consumer: string, seq: number): void;
  /** Writes a decided delivery (before it is sent); closes the thread when `close` is set. */
  addDelivery(delivery: AlertDelivery, close: boolean): void;
  /** Adds a thread outside the outbox (a notifier-disabled notice). */
  addThread(thread: AlertThread): void;
  /** Closes a thread that never needed a message (opened and resolved unseen). */
  closeThread(threadId: string, at: number): void;
  /** Deliveries to send now: pending, or failed and due again; oldest first. */
  dueDeliveries(nowMs: number, limit: number): AlertDelivery[];
  /** Deliveries left `sending` by a crash. */
  inDoubt(): AlertDelivery[];
  updateDelivery(
    id: string,
    patch: Partial<
      Pick<AlertDelivery, "status" | "attempts" | "nextAttemptAt" | "lastError" | "sentAt">
    >,
  ): void;
  setRootRef(threadId: string, ref: string): void;
  thread(
    id: string,
  ): { thread: AlertThread; members: AlertMember[]; deliveries: AlertDelivery[] } | null;
  /** Incidents opened for an org since `sinceMs` (flapping). */
  opensSince(orgId: string, sinceMs: number): number;
}
