import type { CauseId, Severity } from "./causes.js";

/** One cause an incident had, from when, and the pass that showed it. */
export interface IncidentCause {
  cause: CauseId;
  at: string;
  checkId: string;
  /** The diagnosis of that pass: what broke and the exact fix, secret-free by construction. */
  severity: Severity | null;
  transient: boolean;
  summary: string | null;
  fix: string[];
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
  /** Why it closed without a recovery (its org left the config); null for a real recovery. */
  closeNote: string | null;
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

/** A one-off notice, not an incident: a certificate copy nearing expiry, once per threshold. */
export interface Notice {
  cause: "certificate_expiring";
  /** Deterministic, so a notice is written once: `${orgId}:certificate:${notAfter}:${days}`. */
  eventId: string;
  /** The threshold crossed, in days before expiry. */
  days: number;
  notAfter: string;
}

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
  /** Null for a notice. */
  incidentId: string | null;
  kind: HealthEventKind | "notice";
  cause: CauseId;
  /** The previous cause, for cause_changed. */
  fromCause: CauseId | null;
  at: string;
  checkId: string;
  /** For a notice: its threshold and the certificate's expiry. */
  notice: { days: number; notAfter: string } | null;
}
