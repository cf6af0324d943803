import type { CheckResult } from "../domain/result.js";
import { escapeLabelValue, familyHeader, formatValue, yieldToLoop } from "./text.js";
import type { OrgMetricsView } from "./types.js";

/** Facts learned from results that the scheduler's state does not carry. */
export interface OrgFactsCache {
  tokenSeconds?: number;
  apiUsed?: number;
  apiMax?: number;
  certificateNotAfter?: number;
}

/** Updates the cached facts of an org from one pass. */
export function learnFacts(cache: Map<string, OrgFactsCache>, result: CheckResult): void {
  const facts = cache.get(result.orgId) ?? {};
  const token = result.stages.find((s) => s.stage === "token" && !s.skipped);
  if (token) facts.tokenSeconds = token.durationMs / 1000;
  if (result.facts.apiUsed !== undefined) facts.apiUsed = result.facts.apiUsed;
  if (result.facts.apiMax !== undefined) facts.apiMax = result.facts.apiMax;
  const notAfter = result.facts.certificateNotAfter;
  if (notAfter !== undefined && !Number.isNaN(Date.parse(notAfter))) {
    facts.certificateNotAfter = Date.parse(notAfter);
  }
  cache.set(result.orgId, facts);
}

type Value = (org: OrgMetricsView, facts: OrgFactsCache) => number | null | undefined;

/** The per-org gauges: name, help and how to read the value (absent when null). */
const ORG_GAUGES: readonly [string, string, Value][] = [
  [
    "orgwatch_org_up",
    "1 when the org is healthy, 0 when unhealthy (absent until its first verdict).",
    (o) => (o.state === "unknown" ? null : o.state === "healthy" ? 1 : 0),
  ],
  [
    "orgwatch_org_last_check_timestamp_seconds",
    "When the org's last pass finished.",
    (o) => (o.lastCheckAt === null ? null : o.lastCheckAt / 1000),
  ],
  [
    "orgwatch_org_last_success_timestamp_seconds",
    "When the org last passed every check.",
    (o) => (o.lastHealthyAt === null ? null : o.lastHealthyAt / 1000),
  ],
  [
    "orgwatch_org_next_check_timestamp_seconds",
    "When the org's next check is due, back-off included; alert when it is well past.",
    (o) => (o.nextCheckAt === undefined || o.nextCheckAt === null ? null : o.nextCheckAt / 1000),
  ],
  [
    "orgwatch_org_token_duration_seconds",
    "Duration of the org's last token exchange.",
    (_o, f) => f.tokenSeconds,
  ],
  [
    "orgwatch_org_login_budget_used",
    "Token requests sent for the org's user in the last hour.",
    (o) => o.loginsUsed,
  ],
  [
    "orgwatch_org_login_budget_limit",
    "The org's configured login budget per hour.",
    (o) => o.loginBudget,
  ],
  [
    "orgwatch_org_api_requests_used",
    "DailyApiRequests used in the org's rolling 24 hours, last seen.",
    (_o, f) => f.apiUsed,
  ],
  [
    "orgwatch_org_api_requests_limit",
    "DailyApiRequests maximum of the org, last seen.",
    (_o, f) => f.apiMax,
  ],
  [
    "orgwatch_org_certificate_expiry_timestamp_seconds",
    "When the org's certificate expires.",
    (o, f) => {
      const ms = f.certificateNotAfter ?? o.certificateNotAfter;
      return ms === undefined || ms === null ? null : ms / 1000;
    },
  ],
  [
    "orgwatch_org_backoff_level",
    "Back-off steps the org is in; 0 at the normal interval.",
    (o) => o.backoffLevel,
  ],
];

/**
 * The per-org values of one scrape, column by column. A few large arrays instead of an object per
 * org: the young-generation collector has nothing to copy, so it never pauses a check for long.
 */
export interface OrgColumns {
  /** Org ids, escaped once for every family. */
  labels: string[];
  /** The escaped cause of an unhealthy org, else null. */
  causes: (string | null)[];
  /** One column per `ORG_GAUGES` entry, in order; NaN where the org has no value. */
  values: number[][];
}

/** Empty columns. */
export function newColumns(): OrgColumns {
  return { labels: [], causes: [], values: ORG_GAUGES.map(() => []) };
}

const NO_FACTS: OrgFactsCache = {};

/** Reads an org's values for this scrape (its facts as cached now) into the columns. */
export function addOrg(
  columns: OrgColumns,
  org: OrgMetricsView,
  cache: ReadonlyMap<string, OrgFactsCache>,
): void {
  const facts = cache.get(org.id) ?? NO_FACTS;
  columns.labels.push(escapeLabelValue(org.id));
  columns.causes.push(org.state === "unhealthy" && org.cause ? escapeLabelValue(org.cause) : null);
  ORG_GAUGES.forEach(([, , value], i) => columns.values[i]?.push(value(org, facts) ?? NaN));
}

/** Orgs per chunk: about a millisecond of formatting, so a check's I/O never waits longer. */
export const ORGS_PER_CHUNK = 1000;

/**
 * The per-org families as exposition text: every family once, in `ORG_GAUGES` order and then
 * `orgwatch_org_cause`, each written in chunks with the event loop let run between them.
 */
export async function* renderOrgFamilies(
  columns: OrgColumns,
  perChunk = ORGS_PER_CHUNK,
): AsyncGenerator<string> {
  const { labels, causes, values } = columns;
  for (const [index, [name, help]] of ORG_GAUGES.entries()) {
    const column = values[index] ?? [];
    yield* family(labels.length, perChunk, familyHeader(name, help, "gauge"), (i) => {
      const v = column[i];
      return v === undefined || Number.isNaN(v)
        ? ""
        : `${name}{org="${labels[i] ?? ""}"} ${formatValue(v)}\n`;
    });
  }
  yield* family(labels.length, perChunk, familyHeader(CAUSE_FAMILY, CAUSE_HELP, "gauge"), (i) => {
    const cause = causes[i];
    return cause ? `${CAUSE_FAMILY}{org="${labels[i] ?? ""}",cause="${cause}"} 1\n` : "";
  });
}

/**
 * One family: its header, then one string per `perChunk` orgs. Each chunk is joined flat:
 * appending line by line made a rope of a million short-lived pieces that the collector then
 * spent tens of milliseconds at a time copying.
 */
async function* family(
  count: number,
  perChunk: number,
  header: string,
  line: (i: number) => string,
): AsyncGenerator<string> {
  yield header;
  for (let start = 0; start < count; start += perChunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + perChunk); i++) lines.push(line(i));
    yield lines.join("");
    await yieldToLoop();
  }
}

const CAUSE_FAMILY = "orgwatch_org_cause";
const CAUSE_HELP =
  "1 for the current root cause of an unhealthy org (info-style; absent while healthy).";
