import { Gauge, type Registry } from "prom-client";
import type { CheckResult } from "../domain/result.js";
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

/** Registers the per-org gauges; each reads the provider at scrape time so it never drifts. */
export function registerOrgGauges(
  registry: Registry,
  orgs: () => Iterable<OrgMetricsView>,
  cache: Map<string, OrgFactsCache>,
): void {
  for (const [name, help, value] of ORG_GAUGES) {
    new Gauge({
      name,
      help,
      labelNames: ["org"],
      registers: [registry],
      collect() {
        this.reset();
        for (const org of orgs()) {
          const v = value(org, cache.get(org.id) ?? {});
          if (v !== null && v !== undefined) this.set({ org: org.id }, v);
        }
      },
    });
  }
  new Gauge({
    name: "orgwatch_org_cause",
    help: "1 for the current root cause of an unhealthy org (info-style; absent while healthy).",
    labelNames: ["org", "cause"],
    registers: [registry],
    collect() {
      this.reset();
      for (const org of orgs()) {
        if (org.state === "unhealthy" && org.cause) this.set({ org: org.id, cause: org.cause }, 1);
      }
    },
  });
}
