import type { Failure } from "./failure.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * How long after a change (a new app, a policy edit, a new config) Salesforce may still answer
 * with the errors of the old state: seed 002 says 2 to 10 minutes; 15 leaves a margin.
 */
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
 * The latest evidenced change: the config's `createdAt` (when the app or its policy was set up
 * or last edited) or the last change of the connection settings the monitor saw. Null when
 * nothing says anything changed.
 */
export function lastEvidencedChange(f: Failure): number | null {
  const known = [f.org.createdAt, f.history.configChangedAt]
    .map(epoch)
    .filter((t): t is number => t !== null);
  return known.length === 0 ? null : Math.max(...known);
}

/**
 * When the current app/config first appeared for `invalid_client_id`: the latest evidenced
 * change or the first recorded pass; with none of them this pass is the first probe ever, so
 * the sighting is `now`. An unknown consumer key on first sight is most often a new app.
 */
export function appFirstSighting(f: Failure): number {
  const known = [lastEvidencedChange(f), epoch(f.history.firstSeenAt)].filter(
    (t): t is number => t !== null,
  );
  return known.length === 0 ? f.now : Math.max(...known);
}

/** Whether an `invalid_client_id` is still inside the propagation window. */
export function withinPropagationWindow(f: Failure): boolean {
  return f.now - appFirstSighting(f) < APP_PROPAGATION_WINDOW_MS;
}

/**
 * Whether a change is evidenced recently enough that "not approved" and "not admin approved"
 * may be the old state still propagating (errors.md D.4). A first sighting is not a change: an
 * org added to the monitor long after its setup gets its real cause at once.
 */
export function withinChangeWindow(f: Failure): boolean {
  const changed = lastEvidencedChange(f);
  return changed !== null && f.now - changed < APP_PROPAGATION_WINDOW_MS;
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

const GENERIC_LOGIN_HOSTS = new Set(["login.salesforce.com", "test.salesforce.com"]);

/** Whether a URL is one of the generic login hosts (login/test.salesforce.com). */
export function isGenericHost(url: string | null): boolean {
  const host = hostOf(url);
  return host !== null && GENERIC_LOGIN_HOSTS.has(host);
}

/**
 * Whether the token host or the `aud` is a generic login host. Since Spring '26 an installed
 * External Client App reached that way answers `app_not_found` (errors.md D.1).
 */
export function usesGenericHostOrAudience(f: Failure): boolean {
  return isGenericHost(f.org.loginUrl) || isGenericHost(f.org.audience);
}

/** Whether the configured username ends in this sandbox's `.<name>` suffix (unknown: true). */
export function hasSandboxSuffix(f: Failure): boolean {
  const name = sandboxName(f);
  return name === null || f.org.username.toLowerCase().endsWith(`.${name}`);
}

/**
 * Whether the history shows the configured username passing the token exchange: the identity
 * check named it, or (no identity check) nothing changed in the config since the first success.
 */
export function usernameWorked(f: Failure): boolean {
  const h = f.history;
  if (epoch(h.lastSuccessAt) === null) return false;
  if (h.lastUsername !== null) return h.lastUsername.toLowerCase() === f.org.username.toLowerCase();
  const changed = epoch(h.configChangedAt);
  const first = epoch(h.firstSuccessAt);
  return changed === null || (first !== null && changed <= first);
}

/** The org id under which the configured username last worked, or null (errors.md D.5). */
export function usernameOrganizationId(f: Failure): string | null {
  const explicit = f.history.usernameOrganizationId;
  if (explicit !== undefined) return explicit;
  return usernameWorked(f) ? f.history.lastOrganizationId : null;
}

/** Whether the org has had a new org id since the username last worked: a sandbox refresh. */
export function organizationIdChanged(f: Failure): boolean {
  const worked = usernameOrganizationId(f);
  const current = f.history.lastOrganizationId;
  return worked !== null && current !== null && worked !== current;
}

/**
 * Whether "user hasn't approved this consumer" is a user the org no longer has (errors.md D.5):
 * the username worked under another org id (a refresh makes a new one), or it never worked and
 * lacks the sandbox's suffix. A username that kept working against the same org id is not this.
 */
export function looksLikeRefreshedSandboxUser(f: Failure): boolean {
  if (organizationIdChanged(f)) return true;
  if (!f.org.sandbox || usernameWorked(f)) return false;
  return sandboxName(f) !== null && !hasSandboxSuffix(f);
}

/**
 * The username the refreshed sandbox most likely gave the user: only for a username that never
 * worked and lacks the suffix (a name that worked is not guessed at).
 */
export function suggestedSandboxUsername(f: Failure): string | null {
  const name = sandboxName(f);
  if (name === null || hasSandboxSuffix(f) || usernameWorked(f)) return null;
  return `${f.org.username}.${name}`;
}

/**
 * Whether a lost approval follows a long enough run of successes of this username: a prior
 * success of it, no config change since the first one, and that first one at least
 * `APPROVAL_AGE_MIN_MS` ago.
 */
export function approvalAgedOut(f: Failure): boolean {
  const first = epoch(f.history.firstSuccessAt);
  if (first === null || !usernameWorked(f)) return false;
  const changed = epoch(f.history.configChangedAt);
  if (changed !== null && changed > first) return false;
  return f.now - first >= APPROVAL_AGE_MIN_MS;
}
