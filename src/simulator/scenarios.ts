import { generateIdentity } from "../platform/keygen.js";
import { makeId } from "./ids.js";
import type { ScenarioId } from "./scenario-list.js";
import { makeApp, makeUser, orgNow, type SimOrg, type SimState } from "./state.js";
import type { OrgSpec } from "./spec.js";

const DAY = 86_400_000;

/** What each scenario changes in an org's state, in words (for reports and `simulate` output). */
export const SCENARIO_STATES: Record<ScenarioId, string> = {
  healthy: "everything as the SIMFILE says",
  app_not_installed: "app.installed = false",
  my_domain_required:
    "appKind = external_client_app: login/test.salesforce.com as token host or aud answers app_not_found (Spring '26)",
  user_not_preauthorized: "admin-approved app; users hold no pre-authorized permission set",
  consumer_not_approved: "Permitted Users = all users may self-authorize; no user ever approved",
  approval_aged_out:
    "self-authorize; approval 120 days old; refresh-token policy expires it after 90 days",
  audience_invalid:
    "accepted aud = only the other org kind's generic host (prod: https://test.salesforce.com, sandbox: https://login.salesforce.com); a client must send exactly that",
  invalid_assertion: "app holds a different certificate than the client's key",
  assertion_expired: "org clock runs 1 h ahead of the client (any exp in seconds is in the past)",
  client_id_invalid: "app deleted (its consumer key is unknown)",
  app_propagating: "app created just now; 2-10 min propagation window (deterministic per org)",
  user_not_found:
    "sandbox refresh: usernames gain the .<sandbox> suffix; sandboxes get a new org id",
  user_inactive: "users deactivated",
  org_inactive: "org locked/suspended",
  ip_restricted: "login IP ranges 203.0.113.0/24 and app enforces IP restrictions",
  login_rate_exceeded: "each user already made loginRateLimit logins this hour",
  api_disabled: "users lack API Enabled (API_CURRENTLY_DISABLED)",
  api_limit_exceeded: "DailyApiRequests used = max",
  session_invalid: "session timeout 0: every issued token is already expired",
  session_not_valid_for_api: "app scopes without api",
  jwt_token_format_unsupported: "app issues JWT-format access tokens",
  insufficient_access: "users cannot see the Organization sObject",
  api_version_unsupported: "org max API version 58.0 (a client pinned to v59.0+ gets 404)",
  salesforce_unavailable: "every endpoint answers the 503 maintenance page",
};

/** The sandbox name a refresh appends to usernames. */
export function sandboxSuffix(org: Pick<SimOrg, "myDomain" | "sandboxName">): string {
  const i = org.myDomain.indexOf("--");
  return i >= 0 ? org.myDomain.slice(i + 2) : org.sandboxName;
}

/** Resets an org to its SIMFILE baseline (keeping ids and counters), then applies a scenario. */
export function setScenario(state: SimState, org: SimOrg, scenario: ScenarioId): void {
  const baseline = state.baselines.get(org.id);
  if (baseline) resetOrg(state, org, baseline.spec, baseline.certificatePem);
  org.scenario = scenario;
  applyScenario(state, org, scenario);
}

function resetOrg(state: SimState, org: SimOrg, baseline: OrgSpec, certificatePem: string): void {
  const { users, appPolicy, app, faults, ...rest } = structuredClone(baseline);
  Object.assign(org, rest);
  org.users = users.map((u) => {
    const old = org.users.find((x) => x.username === u.username);
    return old ? { ...u, userId: old.userId } : makeUser(state, u);
  });
  org.app = makeApp(app, certificatePem, appPolicy);
  org.faults = faults;
  org.appChange = null;
  for (const counter of org.logins.byUser.values()) counter.thisHour = 0;
}

/** Puts an org into the state that produces a cause (see SCENARIO_STATES). */
export function applyScenario(state: SimState, org: SimOrg, scenario: ScenarioId): void {
  const now = orgNow(state, org);
  const app = org.app;
  switch (scenario) {
    case "healthy":
      return;
    case "app_not_installed":
      app.installed = false;
      return;
    case "my_domain_required":
      org.appKind = "external_client_app";
      return;
    case "user_not_preauthorized":
      app.permittedUsers = "admin_approved";
      for (const u of org.users) u.permissionSets = [];
      return;
    case "consumer_not_approved":
      app.permittedUsers = "all_users";
      for (const u of org.users) u.approvedAt = null;
      return;
    case "approval_aged_out":
      app.permittedUsers = "all_users";
      app.refreshTokenPolicy = { expireAfter: 90 * DAY };
      for (const u of org.users) u.approvedAt = new Date(now - 120 * DAY).toISOString();
      return;
    case "audience_invalid":
      org.audiences = [org.sandbox ? "login" : "test"];
      return;
    case "invalid_assertion":
      app.certificatePem = generateIdentity().certificatePem;
      return;
    case "assertion_expired":
      org.clockOffsetMs = 3_600_000;
      return;
    case "client_id_invalid":
      app.deleted = true;
      return;
    case "app_propagating":
      app.createdAt = new Date(now).toISOString();
      return;
    default:
      applyUserOrgScenario(state, org, scenario, now);
  }
}

function applyUserOrgScenario(
  state: SimState,
  org: SimOrg,
  scenario: ScenarioId,
  now: number,
): void {
  switch (scenario) {
    case "user_not_found":
      for (const u of org.users) u.username = `${u.username}.${sandboxSuffix(org)}`;
      if (org.sandbox) org.orgId = makeId("00D", ++state.nextSerial.org);
      return;
    case "user_inactive":
      for (const u of org.users) u.active = false;
      return;
    case "org_inactive":
      org.active = false;
      return;
    case "ip_restricted":
      org.loginIpRanges = ["203.0.113.0/24"];
      org.app.ipRelaxation = "enforce";
      return;
    case "login_rate_exceeded":
      for (const u of org.users) {
        const hour = Math.floor(now / 3_600_000);
        const c = org.logins.byUser.get(u.username) ?? { hour, thisHour: 0, total: 0, failures: 0 };
        org.logins.byUser.set(u.username, { ...c, hour, thisHour: org.loginRateLimit });
      }
      return;
    case "api_disabled":
      for (const u of org.users) u.apiEnabled = false;
      return;
    case "api_limit_exceeded":
      org.apiUsed = org.apiMax;
      return;
    default:
      applySessionScenario(org, scenario);
  }
}

function applySessionScenario(org: SimOrg, scenario: ScenarioId): void {
  switch (scenario) {
    case "session_invalid":
      org.sessionTimeout = 0;
      return;
    case "session_not_valid_for_api":
      org.app.scopes = org.app.scopes.filter((s) => s !== "api");
      return;
    case "jwt_token_format_unsupported":
      org.app.jwtAccessTokens = true;
      return;
    case "insufficient_access":
      for (const u of org.users) u.deniedObjects = [...u.deniedObjects, "Organization"];
      return;
    case "api_version_unsupported":
      org.maxApiVersion = "58.0";
      return;
    case "salesforce_unavailable":
      org.faults = { ...org.faults, all: { kind: "html503" } };
      return;
    default:
      return;
  }
}
