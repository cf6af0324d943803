import type { Failure } from "./failure.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** How long after an app/config first appears an `invalid_client_id` is read as propagation. */
export const APP_PROPAGATION_WINDOW_MS = 15 * MINUTE_MS;

/**
 * How long the current config must have worked before a lost approval is read as aged out
 * rather than never granted: refresh-token expiry policies are set in hours to months.
 */
export const APPROVAL_AGE_MIN_MS = DAY_MS;

/** Epoch ms of an ISO timestamp, or null when absent or unparsable. */
export function epoch(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * When the current app/config first appeared: the latest known of the config's `createdAt`,
 * the first recorded pass and the last config change. When none is known this pass is the
 * first probe ever, so the sighting is `now`.
 */
export function appFirstSighting(f: Failure): number {
  const known = [f.org.createdAt, f.history.firstSeenAt, f.history.configChangedAt]
    .map(epoch)
    .filter((t): t is number => t !== null);
  return known.length === 0 ? f.now : Math.max(...known);
}

/** Whether an `invalid_client_id` is still inside the propagation window. */
export function withinPropagationWindow(f: Failure): boolean {
  return f.now - appFirstSighting(f) < APP_PROPAGATION_WINDOW_MS;
}

/** The sandbox name from a My Domain host (`acme--dev.sandbox.my.salesforce.com` → `dev`). */
export function sandboxName(f: Failure): string | null {
  for (const url of [f.org.myDomainUrl, f.org.loginUrl, f.history.lastInstanceUrl]) {
    const host = hostOf(url);
    const label = host?.split(".")[0] ?? "";
    const at = label.indexOf("--");
    if (at > 0 && at + 2 < label.length) return label.slice(at + 2).toLowerCase();
  }
  return null;
}

/** The host of a URL-ish string (with or without scheme), lower-cased, or null. */
export function hostOf(url: string | null): string | null {
  if (url === null || url.trim() === "") return null;
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Whether "user hasn't approved this consumer" is really a missing user after a sandbox
 * refresh: the org is a sandbox whose name we can derive, and the configured username does
 * not end in `.<sandbox name>`. (The org id cannot be compared: it is only learned from a
 * successful token exchange, which this pass did not have.)
 */
export function looksLikeRefreshedSandboxUser(f: Failure): boolean {
  if (!f.org.sandbox) return false;
  const name = sandboxName(f);
  return name !== null && !f.org.username.toLowerCase().endsWith(`.${name}`);
}

/** The username the refreshed sandbox most likely gave the user, when derivable. */
export function suggestedSandboxUsername(f: Failure): string | null {
  const name = sandboxName(f);
  return name === null ? null : `${f.org.username}.${name}`;
}

/**
 * Whether a lost approval follows a long enough run of successes with the current config:
 * a prior success, no config change since the first one, and that first one at least
 * `APPROVAL_AGE_MIN_MS` ago.
 */
export function approvalAgedOut(f: Failure): boolean {
  const first = epoch(f.history.firstSuccessAt);
  const last = epoch(f.history.lastSuccessAt);
  if (first === null || last === null) return false;
  const changed = epoch(f.history.configChangedAt);
  if (changed !== null && changed > first) return false;
  return f.now - first >= APPROVAL_AGE_MIN_MS;
}
