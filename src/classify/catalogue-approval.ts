import type { CauseId } from "../domain/index.js";
import { ecaPath, preauthorizeSteps, ref, said, type CauseEntry, type Ctx } from "./entry.js";
import {
  hostOf,
  organizationIdChanged,
  sandboxName,
  suggestedSandboxUsername,
  usernameOrganizationId,
} from "./lookalikes.js";

/** The three causes behind "user hasn't approved this consumer", told apart by history. */
export const approvalEntries = {
  consumer_not_approved: {
    severity: "critical",
    transient: false,
    reference: ref("consumer_not_approved"),
    summary: (c) =>
      `${c.org.name}: ${c.user} has no approval to use the app (never pre-authorized, or missing scopes)${said(c)}.`,
    fix: (c) => [
      ...preauthorizeSteps(c),
      `Check the app's scopes include "Manage user data via APIs (api)" and "Perform requests at any time (refresh_token, offline_access)": ${ecaPath(c, "Settings → OAuth Settings")}.`,
      `Set ${ecaPath(c, 'Policies → Edit → OAuth Policies → App Authorization: Refresh Token Policy = "Refresh token is valid until revoked"')}.`,
      ...loginHostStep(c),
      ...refreshedSandboxHint(c),
    ],
  },
  approval_aged_out: {
    severity: "critical",
    transient: false,
    reference: ref("approval_aged_out"),
    summary: (c) =>
      `${c.org.name}: the app's approval for ${c.user} lapsed — it worked from ${day(c.f.history.firstSuccessAt)} to ${day(c.f.history.lastSuccessAt)} with this config, and now Salesforce refuses it${said(c)}.`,
    fix: (c) => [
      `Stop approvals from expiring: ${ecaPath(c, 'Policies → Edit → OAuth Policies → App Authorization: Refresh Token Policy = "Refresh token is valid until revoked"')}.`,
      ...preauthorizeSteps(c),
      `Look for recent edits to the app's policies in ${c.links.setup("auditTrail")}: if someone changed them, that change (not ageing) is the cause.`,
    ],
  },
  user_not_found: {
    severity: "critical",
    transient: false,
    reference: ref("user_not_found"),
    summary: (c) =>
      `${c.org.name}: the org has no user ${c.user} — ${refreshWords(c)}${suggestion(c)}${said(c)}.`,
    fix: (c) => [
      `Copy the integration user's exact Username from ${c.links.setup("users")}${suggestion(c)}.`,
      `Update username for ${c.org.id} in the monitor's config and in the integration's own settings.`,
      "After each refresh of this sandbox, re-check the suffix; install the app in production so refreshes carry it over as well.",
    ],
  },
} satisfies Partial<Record<CauseId, CauseEntry>>;

function refreshWords(c: Ctx): string {
  if (organizationIdChanged(c.f)) {
    return `the username last worked under org id ${usernameOrganizationId(c.f) ?? "?"}, and the org is now ${c.f.history.lastOrganizationId ?? "?"}: a sandbox refresh makes a new org and renames or drops its users`;
  }
  return "the username never worked here and lacks the sandbox suffix a refresh adds to usernames";
}

function suggestion(c: Ctx): string {
  const name = suggestedSandboxUsername(c.f);
  return name === null ? "" : ` (probably "${name}")`;
}

function day(iso: string | null): string {
  return iso === null ? "an unknown date" : iso.slice(0, 10);
}

/** Some instances only honour an approval when the token is requested from the My Domain host. */
function loginHostStep(c: Ctx): string[] {
  const host = hostOf(c.org.loginUrl);
  if (
    c.links.base === null ||
    (host !== "login.salesforce.com" && host !== "test.salesforce.com")
  ) {
    return [];
  }
  return [
    `Try the org's My Domain (${c.links.base}) as the token host instead of ${c.org.loginUrl}.`,
  ];
}

/** When the sandbox name is unknown the refresh case cannot be ruled out; say how to check it. */
function refreshedSandboxHint(c: Ctx): string[] {
  if (!c.org.sandbox || sandboxName(c.f) !== null) return [];
  return [
    `If this sandbox was refreshed, check that ${c.user} still exists in ${c.links.setup("users")}: a refresh appends the sandbox name to usernames.`,
  ];
}
