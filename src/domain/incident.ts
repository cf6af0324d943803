import type { CauseId } from "./causes.js";

/** One cause an incident had, from when, and the pass that showed it. */
export interface IncidentCause {
  cause: CauseId;
  at: string;
  checkId: string;
}

/**
 * An incident: one unhealthy episode of one org. A cause that changes while the org stays down
 * is an update of the same incident (its id never changes); `causes` keeps the history.
 */
export interface Incident {
  /** Deterministic from the org and the pass that opened it: `${orgId}:${openedAt}`. */
  id: string;
  orgId: string;
  /** The current (or, once closed, the last) cause. */
  cause: CauseId;
  openedAt: string;
  closedAt: string | null;
  lastCheckId: string | null;
  causes: IncidentCause[];
}

/** The deterministic id of the incident a pass opens, so a replayed open never makes a second. */
export function incidentIdFor(orgId: string, openedAt: string): string {
  return `${orgId}:${openedAt}`;
}

/** How an org's health changed with one pass. */
export type HealthEvent =
  | { kind: "opened"; incidentId: string; cause: CauseId }
  | { kind: "cause_changed"; incidentId: string; from: CauseId; cause: CauseId }
  | { kind: "resolved"; incidentId: string; cause: CauseId };

/** The kinds of health events. */
export type HealthEventKind = HealthEvent["kind"];

/**
 * A committed health event, as those who react to events (alerting) read it: it was written in
 * the same transaction as the pass that caused it, so a crash loses none and replays none.
 */
export interface OutboxEvent {
  /** Commit order; readers keep the last seq they handled. */
  seq: number;
  /** Deterministic: `${checkId}:${kind}`. */
  eventId: string;
  orgId: string;
  incidentId: string;
  kind: HealthEventKind;
  cause: CauseId;
  /** The previous cause, for cause_changed. */
  fromCause: CauseId | null;
  at: string;
  checkId: string;
}

/** What a notifier did about one incident event. */
export type DeliveryKind = "open" | "update" | "resolve";

/** A delivery attempt record; unique per (incident, notifier, kind). */
export interface IncidentDelivery {
  incidentId: string;
  notifier: string;
  kind: DeliveryKind;
  deliveredAt: string | null;
  /** What the notifier returned to refer to the message later (Slack ts, Message-ID). */
  externalRef: string | null;
  attempts: number;
  lastError: string | null;
}
