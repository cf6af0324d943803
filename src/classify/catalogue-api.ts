import type { CauseId } from "../domain/index.js";
import { ecaPath, ref, said, type CauseEntry, type Ctx } from "./entry.js";
import { codeIs, textHas } from "./failure.js";

/** Causes seen after a token was issued: REST, Bulk 2.0, Metadata SOAP, limits, identity. */
export const apiEntries = {
  api_disabled: {
    severity: "critical",
    transient: false,
    reference: ref("api_disabled"),
    summary: (c) =>
      userLevel(c)
        ? `${c.org.name}: the API is disabled for ${c.user} (${c.where})${said(c)}.`
        : `${c.org.name}: the API is not enabled for ${c.user} or for this org's edition (${c.where})${said(c)}.`,
    fix: (c) =>
      userLevel(c)
        ? [grantApiStep(c)]
        : [
            `${grantApiStep(c)} If ${c.user} has the profile "Minimum Access - API Only Integrations", that profile already grants API access, so the edition is the cause (next step).`,
            `If the edition has no API access (e.g. Professional without the API add-on), ask Salesforce to enable it; ${c.links.setup("companyInfo")} shows the edition.`,
          ],
  },
  api_limit_exceeded: {
    severity: "critical",
    transient: true,
    reference: ref("api_limit_exceeded"),
    summary: (c) =>
      `${c.org.name}: the org has ${concurrent(c) ? "too many long-running API requests" : "used up its rolling 24-hour API request allocation"} — every integration in the org is being refused (${c.where})${said(c)}.`,
    fix: (c) => [
      `See the usage in ${c.links.setup("companyInfo")} (API Requests, Last 24 Hours) and ${c.links.setup("systemOverview")}.`,
      `Find the heaviest consumer per app in ${c.links.setup("oauthUsage")} and slow it down, or buy more API capacity.`,
      "The monitor suspends its API checks (token checks continue) until usage drops below 80%.",
    ],
  },
  session_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("session_invalid"),
    summary: (c) =>
      `${c.org.name}: a token issued seconds earlier was refused as expired or invalid at the ${c.where}${said(c)}.`,
    fix: (c) => [
      "A fresh token that fails at once usually means the calls go to the wrong host or sessions are being revoked.",
      `Check that API calls use the instance_url of the token response${c.f.history.lastInstanceUrl === null ? "" : ` (last seen: ${c.f.history.lastInstanceUrl})`}, not the login host.`,
      `Look for revocations in ${c.links.setup("oauthUsage")} → the app, and for session locking (to IP or domain) in ${c.links.setup("sessionSettings")}.`,
    ],
  },
  session_not_valid_for_api: {
    severity: "critical",
    transient: false,
    reference: ref("session_not_valid_for_api"),
    summary: (c) =>
      `${c.org.name}: the token is valid but not allowed to call the API (${c.where})${said(c)}.`,
    fix: (c) => [
      `Add the scope "Manage user data via APIs (api)": ${ecaPath(c, "Settings → OAuth Settings")}.`,
      `If API Access Control is on (Setup → API Access Control), allowlist the app or give ${c.user} "Use Any API Client".`,
      `If the profile demands High Assurance sessions: ${c.links.setup("profiles")} → the profile of ${c.user} → Session Settings → Session Security Level Required at Login = None; relax IP restrictions on the app if the profile restricts IPs.`,
      "Logging in again will not help: a new token gets the same answer.",
    ],
  },
  jwt_token_format_unsupported: {
    severity: "critical",
    transient: false,
    reference: ref("jwt_token_format_unsupported"),
    summary: (c) =>
      `${c.org.name}: the app issues JWT-format access tokens, which the ${c.where} rejects (REST still works)${said(c)}.`,
    fix: (c) => [
      `Turn the setting off: ${ecaPath(c, 'Settings → OAuth Settings: uncheck "Issue JSON Web Token (JWT)-based access tokens for named users"')}.`,
      c.f.stage === "metadata"
        ? `Or call the Metadata (SOAP) API with version 68.0 or later (configured: ${c.org.apiVersion}): SOAP accepts JWT-format tokens from v68.0.`
        : `SOAP accepts JWT-format tokens from API v68.0; here the ${c.where} refused one right after it was issued, so the setting is the fix.`,
      "Integrations that call the refusing API with this app are affected; clients that re-login on every refusal also burn the user's login limit.",
    ],
  },
  auth_header_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("auth_header_invalid"),
    summary: (c) =>
      `${c.org.name}: Salesforce rejected the Authorization header of the ${c.where}${said(c)}.`,
    fix: () => [
      "The header must be `Authorization: Bearer <access token>` with a non-empty token; anything else is a client bug — report it with this evidence.",
    ],
  },
  insufficient_access: {
    severity: "warning",
    transient: false,
    reference: ref("insufficient_access"),
    summary: (c) =>
      `${c.org.name}: ${c.user} gets a token but lacks the rights for the ${c.where}${said(c)}.`,
    fix: (c) => [
      `Grant the missing access: ${c.links.setup("permissionSets")} → ${c.permSet} → Object Settings (read access to the object queried) and System Permissions ("View Setup and Configuration" for setup data, "API Enabled").`,
      `Check that ${c.permSet} is assigned to ${c.user}.`,
    ],
  },
  api_version_unsupported: {
    severity: "warning",
    transient: false,
    reference: ref("api_version_unsupported"),
    summary: (c) =>
      `${c.org.name}: API version ${c.org.apiVersion} is retired or not offered by this org (${c.where})${said(c)}.`,
    fix: (c) => [
      `Pick a version listed by GET ${c.links.base ?? "<instance URL>"}/services/data and set apiVersion for ${c.org.id} (and any integration pinned to ${c.org.apiVersion}).`,
    ],
  },
} satisfies Partial<Record<CauseId, CauseEntry>>;

/** API_CURRENTLY_DISABLED is the per-user twin of API_DISABLED_FOR_ORG (errors.md D.3). */
function userLevel(c: Ctx): boolean {
  return codeIs(c.f.evidence.errorCode, "API_CURRENTLY_DISABLED");
}

function grantApiStep(c: Ctx): string {
  return `Grant API Enabled: ${c.links.setup("permissionSets")} → ${c.permSet} → System Permissions → API Enabled (assigned to ${c.user}).`;
}

function concurrent(c: Ctx): boolean {
  return textHas(c.f.evidence.message, /concurrent/i);
}
