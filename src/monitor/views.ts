import type { CauseId } from "../domain/causes.js";
import type { OrgHealth } from "../domain/state.js";

/** An incident as the API shows it. */
export interface IncidentView {
  id: string;
  cause: CauseId;
  openedAt: string;
  closedAt: string | null;
  causes: { cause: CauseId; at: string }[];
}

/** One org as `GET /api/v1/orgs/{id}` answers it: state and facts, never settings or secrets. */
export interface OrgStatus {
  id: string;
  name: string;
  tags: string[];
  state: OrgHealth;
  cause: CauseId | null;
  since: string | null;
  lastCheckAt: string | null;
  /** Last pass that passed every check. */
  lastHealthyAt: string | null;
  /** Last pass whose token exchange succeeded. */
  lastTokenSuccessAt: string | null;
  nextCheckAt: string | null;
  backoffLevel: number;
  incident: IncidentView | null;
}

/** What a check-now request came to. */
export type CheckNowOutcome =
  | { kind: "queued" }
  | { kind: "running" }
  | { kind: "unknown" }
  | { kind: "budget"; retryAt: string; retryAfterSeconds: number };

import type { Incident } from "../domain/incident.js";
import type { OrgMetricsView } from "../metrics/types.js";
import type { Fleet, FleetEntry } from "./fleet.js";

const HOUR_MS = 3_600_000;

/** The API's view of an org: its state and facts, never its settings or secrets. */
export function orgStatusOf(entry: FleetEntry, incident: Incident | null): OrgStatus {
  const s = entry.state;
  return {
    id: entry.target.id,
    name: entry.target.name,
    tags: entry.target.tags,
    state: s.state,
    cause: s.cause,
    since: s.stateSince,
    lastCheckAt: s.lastCheckAt,
    lastHealthyAt: s.lastHealthyAt,
    lastTokenSuccessAt: s.lastTokenSuccessAt,
    nextCheckAt: s.nextCheckAt,
    backoffLevel: s.backoffLevel,
    incident: incident ? incidentViewOf(incident) : null,
  };
}

/** The API's view of an incident: when, and which causes in turn. */
export function incidentViewOf(incident: Incident): IncidentView {
  return {
    id: incident.id,
    cause: incident.cause,
    openedAt: incident.openedAt,
    closedAt: incident.closedAt,
    causes: incident.causes.map((c) => ({ cause: c.cause, at: c.at })),
  };
}

/**
 * When a forced check could next log in, from the user's login window as last seen in the
 * ledger; null when a login is free now. Admission decides for real: this only answers early.
 */
export function loginFreeAt(times: readonly number[], limit: number, nowMs: number): number | null {
  const recent = times.filter((t) => t > nowMs - HOUR_MS);
  if (recent.length < limit) return null;
  return (recent[recent.length - limit] ?? nowMs) + HOUR_MS + 1;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** The per-org view the metrics read at scrape time: every org in the fleet, nothing else. */
export function* metricsViewOf(fleet: Fleet, nowMs: number): Iterable<OrgMetricsView> {
  for (const { target, state } of fleet.values()) {
    yield {
      id: target.id,
      state: state.state,
      cause: state.cause,
      backoffLevel: state.backoffLevel,
      lastCheckAt: ms(state.lastCheckAt),
      lastHealthyAt: ms(state.lastHealthyAt),
      nextCheckAt: ms(state.nextCheckAt),
      loginsUsed: fleet.loginsUsed(target.username, nowMs),
      loginBudget: target.loginBudgetPerHour,
      certificateNotAfter: target.certificate?.ok ? Date.parse(target.certificate.notAfter) : null,
    };
  }
}
