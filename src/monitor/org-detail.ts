import { CAUSE_OWNERS, type CauseId, type CauseOwner, type Severity } from "../domain/causes.js";
import type { Incident } from "../domain/incident.js";
import type { StageId } from "../domain/stages.js";
import { SETUP_PAGES } from "../classify/links.js";
import type { CheckHistory, IncidentLog, StoredCheck } from "../store/types.js";
import type { FleetEntry } from "./fleet.js";
import { incidentViewOf, orgStatusOf, type IncidentView, type OrgStatus } from "./views.js";

/** One stage of a recent pass: status and codes, never evidence text. */
export interface StageView {
  stage: StageId;
  ok: boolean;
  skipped: boolean;
  skipReason: string | null;
  durationMs: number;
  httpStatus: number | null;
  errorCode: string | null;
}

/** One recent pass. */
export type CheckView = Pick<
  StoredCheck,
  "checkId" | "startedAt" | "finishedAt" | "healthy" | "cause" | "stage" | "transient" | "summary"
> & { stages: StageView[] };

/** A link a fix step points at (a Setup page of the org, the app's install page). */
export interface FixLink {
  label: string;
  url: string;
}

/** What to do about the current cause, as the classifier worded it for this org. */
export interface FixView {
  cause: CauseId;
  owner: CauseOwner;
  severity: Severity | null;
  transient: boolean;
  summary: string | null;
  steps: { text: string; links: FixLink[] }[];
}

/** `GET /api/v1/orgs/{id}`: the status, its recent passes, incidents and the fix. */
export interface OrgDetail extends OrgStatus {
  recentChecks: CheckView[];
  incidents: IncidentView[];
  fix: FixView | null;
}

/** How much history the detail shows. */
export const DETAIL_LIMITS = { checks: 20, incidents: 10 } as const;

const LABEL_OF_PATH = new Map<string, string>(
  Object.values(SETUP_PAGES).map(([label, path]) => [path, label]),
);
const URL_RE = /https?:\/\/[^\s)"'<>]+/g;

/** The links in a fix step, named by their Setup page where they are one. */
export function linksIn(step: string): FixLink[] {
  return [...step.matchAll(URL_RE)].flatMap(([url]) => {
    if (!URL.canParse(url)) return [];
    const label =
      LABEL_OF_PATH.get(new URL(url).pathname) ??
      (url.includes("AppInstallApprovalPage") ? "Install the app" : url);
    return [{ label, url }];
  });
}

function checkViewOf(c: StoredCheck): CheckView {
  return {
    checkId: c.checkId,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    healthy: c.healthy,
    cause: c.cause,
    stage: c.stage,
    transient: c.transient,
    summary: c.summary,
    stages: c.stages.map((s) => ({
      stage: s.stage,
      ok: s.ok,
      skipped: s.skipped,
      skipReason: s.skipReason ?? null,
      durationMs: s.durationMs,
      httpStatus: s.httpStatus,
      errorCode: s.errorCode,
    })),
  };
}

/** The fix of the open incident's current cause (the classifier's words, with their links). */
export function fixOf(incident: Incident | null): FixView | null {
  const last = incident?.closedAt === null ? incident.causes.at(-1) : undefined;
  if (!last) return null;
  return {
    cause: last.cause,
    owner: CAUSE_OWNERS[last.cause],
    severity: last.severity,
    transient: last.transient,
    summary: last.summary,
    steps: last.fix.map((text) => ({ text, links: linksIn(text) })),
  };
}

/** The detail of one org, read from the fleet and the history. */
export function orgDetailOf(
  entry: FleetEntry,
  store: Pick<IncidentLog, "incident" | "incidentsOf"> & Pick<CheckHistory, "recentChecks">,
): OrgDetail {
  const id = entry.target.id;
  const open = entry.state.incidentId ? store.incident(entry.state.incidentId) : null;
  return {
    ...orgStatusOf(entry, open),
    recentChecks: store.recentChecks(id, DETAIL_LIMITS.checks).map(checkViewOf),
    incidents: store.incidentsOf(id, DETAIL_LIMITS.incidents).map(incidentViewOf),
    fix: fixOf(open),
  };
}
