import type { CauseId } from "./causes.js";
import { EMPTY_HISTORY, type OrgHistory } from "./history.js";

/** Where an org stands in the health state machine. */
export type OrgHealth = "unknown" | "healthy" | "unhealthy";

/** The API usage an org last reported (DailyApiRequests), and when it was seen. */
export interface ApiUsage {
  used: number;
  max: number;
  /** ISO time of the pass that saw it. */
  at: string;
}

/** Everything the coordinator keeps per org between passes. Timestamps are ISO strings, null when never. */
export interface OrgState {
  orgId: string;
  state: OrgHealth;
  /** The cause of the current unhealthy state; null while healthy or unknown. */
  cause: CauseId | null;
  stateSince: string | null;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastCheckAt: string | null;
  /** Last pass whose token exchange succeeded (the classifier's fact: the login worked). */
  lastTokenSuccessAt: string | null;
  /** Last pass that passed every check (the metric, the API and the dashboards). */
  lastHealthyAt: string | null;
  firstSeenAt: string | null;
  /** First pass whose token exchange succeeded. */
  firstSuccessAt: string | null;
  lastOrganizationId: string | null;
  lastUsername: string | null;
  lastInstanceUrl: string | null;
  /** The 00D org id under which the configured username last passed the token exchange. */
  usernameOrganizationId: string | null;
  /** Hash of the org's connection settings; a change resets history-based rules. */
  configHash: string | null;
  configChangedAt: string | null;
  nextCheckAt: string | null;
  /** 0 when checking at the normal interval; n after n back-off steps. */
  backoffLevel: number;
  /** The open incident, while unhealthy. */
  incidentId: string | null;
  /** The freshest API usage seen; decides whether API stages run (apiFloorPercent). */
  apiUsage: ApiUsage | null;
}

/** A fresh state for an org never checked. */
export function initialState(orgId: string): OrgState {
  return {
    orgId,
    state: "unknown",
    cause: null,
    stateSince: null,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    lastCheckAt: null,
    lastTokenSuccessAt: null,
    lastHealthyAt: null,
    firstSeenAt: null,
    firstSuccessAt: null,
    lastOrganizationId: null,
    lastUsername: null,
    lastInstanceUrl: null,
    usernameOrganizationId: null,
    configHash: null,
    configChangedAt: null,
    nextCheckAt: null,
    backoffLevel: 0,
    incidentId: null,
    apiUsage: null,
  };
}

/** The classifier's view of an org's past, derived from its state (null: never seen). */
export function historyOf(state: OrgState | null): OrgHistory {
  if (!state) return { ...EMPTY_HISTORY };
  const history: OrgHistory = {
    firstSeenAt: state.firstSeenAt,
    firstSuccessAt: state.firstSuccessAt,
    lastSuccessAt: state.lastTokenSuccessAt,
    lastOrganizationId: state.lastOrganizationId,
    lastUsername: state.lastUsername,
    lastInstanceUrl: state.lastInstanceUrl,
    configChangedAt: state.configChangedAt,
  };
  // Absent, not null, when unknown (a history from before it was kept): the classifier then
  // derives it from the last username and org id.
  if (state.usernameOrganizationId !== null) {
    history.usernameOrganizationId = state.usernameOrganizationId;
  }
  return history;
}
