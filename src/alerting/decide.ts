import type { AlertDelivery, AlertMember, AlertThread, DeliveryKind } from "../domain/alerts.js";

/** The timing policy of one thread (its notifier's reminder interval included), in ms. */
export interface DecidePolicy {
  groupWait: number;
  updateInterval: number;
  reminderEvery: number;
  transientHold: number;
}

/** What the decision needs to know about a member now. */
export interface MemberFacts {
  /** A silence or maintenance window holds its alerts back. */
  silenced: boolean;
  /** Its cause is transient (app_propagating, salesforce_unavailable...). */
  transient: boolean;
  /** Its org opened several incidents within the flap window. */
  flapping: boolean;
}

/** What to do with a thread now: send a message of a kind, close it unseen, or nothing. */
export type Decision =
  | { action: "send"; kind: DeliveryKind; version: number; close: boolean }
  | { action: "close" }
  | null;

/**
 * The alert decision, a pure function of the thread, its members, its delivery log and `now`
 * (Alertmanager's needsUpdate, decided from the log and never from the moment):
 * - a notice is sent once;
 * - before the first message: nothing until `groupWait` after the thread opened, so one message
 *   lists every org a cause hit at once; then the open, when at least one member is still down,
 *   not silenced, and not a transient cause younger than `transientHold`. A thread whose members
 *   all recovered unseen closes without a word;
 * - after it: the resolve once every member recovered (a silence never holds a resolve back);
 *   an update when members changed since the last message and `updateInterval` has passed; a
 *   reminder `reminderEvery` after the last message unless every open member is silenced or
 *   flapping.
 */
export function decide(
  thread: AlertThread,
  members: readonly AlertMember[],
  deliveries: readonly AlertDelivery[],
  facts: (member: AlertMember) => MemberFacts,
  nowMs: number,
  policy: DecidePolicy,
): Decision {
  if (thread.closedAt !== null) return null;
  if (thread.kind === "notice") {
    return deliveries.length === 0
      ? { action: "send", kind: "notice", version: thread.version, close: true }
      : null;
  }
  const down = members.filter((m) => m.resolvedAt === null);
  const opened = deliveries.some((d) => d.kind === "open");
  if (!opened) {
    if (down.length === 0) return members.length > 0 ? { action: "close" } : null;
    if (nowMs < thread.createdAt + policy.groupWait) return null;
    const due = down.some((m) => {
      const f = facts(m);
      return !f.silenced && !(f.transient && nowMs - m.joinedAt < policy.transientHold);
    });
    return due ? { action: "send", kind: "open", version: thread.version, close: false } : null;
  }
  if (down.length === 0) {
    return { action: "send", kind: "resolve", version: thread.version, close: true };
  }
  const last = deliveries.reduce((a, d) => Math.max(a, d.createdAt), 0);
  const told = deliveries.reduce((a, d) => Math.max(a, d.version), 0);
  if (thread.version > told && nowMs - last >= policy.updateInterval) {
    const changed = members.filter((m) => m.changedVersion > told);
    if (changed.some((m) => m.resolvedAt !== null || !facts(m).silenced)) {
      return { action: "send", kind: "update", version: thread.version, close: false };
    }
  }
  // Facts are looked up only once a reminder is due: most ticks of an open thread decide nothing.
  if (
    nowMs - last >= policy.reminderEvery &&
    !down.every((m) => {
      const f = facts(m);
      return f.silenced || f.flapping;
    })
  ) {
    return { action: "send", kind: "reminder", version: thread.version, close: false };
  }
  return null;
}
