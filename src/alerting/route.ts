import type { MatchConfig, RouteConfig, SilenceConfig } from "../config/alerting.js";
import { CAUSE_OWNERS, type CauseId } from "../domain/causes.js";

/** What routing and silences know about an org. */
export interface RoutableOrg {
  id: string;
  tags: readonly string[];
}

/** Whether a match block matches an org with a cause; every listed field must match. */
export function matches(match: MatchConfig, org: RoutableOrg, cause: CauseId): boolean {
  if (match.orgs && !match.orgs.includes(org.id)) return false;
  if (match.tags && !match.tags.some((t) => org.tags.includes(t))) return false;
  if (match.causes && !match.causes.includes(cause)) return false;
  if (match.owners && !match.owners.includes(CAUSE_OWNERS[cause])) return false;
  return true;
}

/**
 * The notifiers an alert goes to: routes in order, the first match wins unless it says
 * `continue: true`. Without routes every notifier gets everything; with routes, an alert that
 * matches none goes nowhere (say so with a catch-all route last).
 */
export function notifiersFor(
  routes: readonly RouteConfig[],
  all: readonly string[],
  org: RoutableOrg,
  cause: CauseId,
): string[] {
  if (routes.length === 0) return [...all];
  const out = new Set<string>();
  for (const route of routes) {
    if (!matches(route.match, org, cause)) continue;
    for (const name of route.notify) out.add(name);
    if (!route.continue) break;
  }
  return [...out];
}

/** The silence that holds an org's alert back at `nowMs`, if any. */
export function activeSilence(
  silences: readonly SilenceConfig[],
  org: RoutableOrg,
  cause: CauseId,
  nowMs: number,
): SilenceConfig | null {
  return (
    silences.find(
      (s) =>
        Date.parse(s.start) <= nowMs && nowMs < Date.parse(s.end) && matches(s.match, org, cause),
    ) ?? null
  );
}
