import { generateKeyPairSync } from "node:crypto";
import type { OrgHistory } from "../../src/domain/history.js";
import { loginUrlOf, type FleetOrg } from "./fleet.js";

const DAY = 86_400_000;
const MIN = 60_000;

/** One org: its simulator state, its orgwatch config, and the one cause, stage and first fix step. */
export interface Row {
  name: string;
  scenario?: string;
  sandbox?: boolean;
  sim?: Record<string, unknown>;
  /** orgwatch config fields; `$MYDOMAIN` is replaced by the org's https My Domain URL. */
  config?: Record<string, unknown>;
  history?: (now: number) => Partial<OrgHistory>;
  cause: string | null;
  stage: string | null;
  transient?: boolean;
  /** The first fix step; `$BASE` is the org's https base URL (with the simulator's port). */
  first?: RegExp | string;
  fault?: string;
  warning?: string;
}

const ECA = { appKind: "external_client_app" };
const JWT = { jwtAccessTokens: true };
const ago = (now: number, ms: number) => new Date(now - ms).toISOString();

/** Every second-round behaviour (errors.md D) and every cause and fault, as simulator state. */
export const TABLE: Row[] = [
  { name: "healthy", cause: null, stage: null },
  {
    name: "key-invalid",
    config: { privateKey: "$SMALLKEY" },
    cause: "key_invalid",
    stage: "local",
    first: /^The key file must be a readable PEM/,
  },
  {
    name: "unknown",
    scenario: "org_inactive",
    sim: {
      tokenErrors: { org_inactive: { error: "server_error", error_description: "no such rule" } },
    },
    cause: "unknown",
    stage: "token",
    transient: true,
    first: /^Reproduce by hand: `sf org login jwt/,
  },
  {
    name: "eca-healthy",
    sim: ECA,
    config: { audience: "$MYDOMAIN" },
    cause: null,
    stage: null,
  },
  {
    name: "app-not-installed",
    scenario: "app_not_installed",
    sim: ECA,
    config: { audience: "$MYDOMAIN" },
    cause: "app_not_installed",
    stage: "token",
    first: /^Install the app in this org\. An External Client App: create it/,
  },
  {
    name: "my-domain-required",
    scenario: "my_domain_required",
    cause: "my_domain_required",
    stage: "token",
    first: "Use $BASE as both the token host (loginUrl) and the JWT audience (audience)",
  },
  {
    name: "eca-generic-host",
    sim: ECA,
    config: { loginUrl: "http://login.salesforce.com:$PORT", audience: "$MYDOMAIN" },
    cause: "my_domain_required",
    stage: "token",
    first: /^Use the org's My Domain URL \(Setup → My Domain\) as both the token host/,
  },
  {
    name: "user-not-preauthorized",
    scenario: "user_not_preauthorized",
    cause: "user_not_preauthorized",
    stage: "token",
    first: /^Pre-authorize the user: Setup → External Client App Manager/,
  },
  {
    name: "preauth-propagating",
    scenario: "user_not_preauthorized",
    config: { createdAt: "$CHANGED" },
    history: (now) => ({ firstSeenAt: ago(now, 90 * DAY) }),
    cause: "app_propagating",
    stage: "token",
    transient: true,
    first: /^No change needed yet/,
  },
  {
    name: "consumer-not-approved",
    scenario: "consumer_not_approved",
    cause: "consumer_not_approved",
    stage: "token",
    first: /^Pre-authorize the user/,
  },
  {
    name: "not-approved-propagating",
    scenario: "consumer_not_approved",
    history: (now) => ({ firstSeenAt: ago(now, 30 * DAY), configChangedAt: ago(now, 3 * MIN) }),
    cause: "app_propagating",
    stage: "token",
    transient: true,
    first: /^No change needed yet/,
  },
  {
    name: "approval-aged-out",
    scenario: "approval_aged_out",
    history: (now) => ({
      firstSeenAt: ago(now, 60 * DAY),
      firstSuccessAt: ago(now, 60 * DAY),
      lastSuccessAt: ago(now, DAY),
    }),
    cause: "approval_aged_out",
    stage: "token",
    first: /^Stop approvals from expiring/,
  },
  {
    name: "renamed-user-same-org",
    scenario: "user_not_found",
    sandbox: true,
    history: (now) => ({
      firstSeenAt: ago(now, 60 * DAY),
      firstSuccessAt: ago(now, 60 * DAY),
      lastSuccessAt: ago(now, DAY),
      lastUsername: "integration@o-renamed-user-same-org.example",
      lastOrganizationId: "00DSM0000000001AAA",
    }),
    cause: "approval_aged_out",
    stage: "token",
    first: /^Stop approvals from expiring/,
  },
  {
    name: "renamed-user-new-org",
    scenario: "user_not_found",
    sandbox: true,
    history: (now) => ({
      firstSeenAt: ago(now, 60 * DAY),
      firstSuccessAt: ago(now, 60 * DAY),
      lastSuccessAt: ago(now, DAY),
      lastUsername: "integration@o-renamed-user-new-org.example",
      lastOrganizationId: "00DSM0000000099AAA",
      usernameOrganizationId: "00DSM0000000001AAA",
    }),
    cause: "user_not_found",
    stage: "token",
    first: /^Copy the integration user's exact Username/,
  },
  {
    name: "audience-invalid",
    scenario: "audience_invalid",
    cause: "audience_invalid",
    stage: "token",
    first: /^The audience https:\/\/login\.salesforce\.com is not one this org's app accepts/,
  },
  {
    name: "ca-sandbox-my-domain-aud",
    sandbox: true,
    config: { audience: "$MYDOMAIN" },
    cause: "audience_invalid",
    stage: "token",
    first:
      /^The audience is not a generic login host .*accepts only https:\/\/test\.salesforce\.com/,
  },
  {
    name: "invalid-assertion",
    scenario: "invalid_assertion",
    cause: "invalid_assertion",
    stage: "token",
    first: /^Confirm the pair: `openssl x509/,
  },
  {
    name: "assertion-expired",
    scenario: "assertion_expired",
    cause: "assertion_expired",
    stage: "token",
    first: /^Sync the monitor host's clock with NTP/,
  },
  {
    name: "client-id-invalid",
    scenario: "client_id_invalid",
    history: (now) => ({ firstSeenAt: ago(now, DAY) }),
    cause: "client_id_invalid",
    stage: "token",
    first: /^Copy the Consumer Key/,
  },
  {
    name: "app-propagating",
    scenario: "app_propagating",
    cause: "app_propagating",
    stage: "token",
    transient: true,
    first: /^No change needed yet/,
  },
  {
    name: "user-not-found",
    scenario: "user_not_found",
    sandbox: true,
    cause: "user_not_found",
    stage: "token",
    first:
      /^Copy the integration user's exact Username .*\(probably "integration@o-user-not-found\.example\.dev"\)/,
  },
  {
    name: "user-inactive",
    scenario: "user_inactive",
    cause: "user_inactive",
    stage: "token",
    first: /^Reactivate/,
  },
  {
    name: "org-inactive",
    scenario: "org_inactive",
    cause: "org_inactive",
    stage: "token",
    first: /^Ask the org's admin/,
  },
  {
    name: "ip-restricted",
    scenario: "ip_restricted",
    cause: "ip_restricted",
    stage: "token",
    first:
      /^Relax IP restrictions for the app: .*for a Connected App: .*Edit Policies → IP Relaxation/,
  },
  {
    name: "login-rate-exceeded",
    scenario: "login_rate_exceeded",
    cause: "login_rate_exceeded",
    stage: "token",
    transient: true,
    first: /^Look for a re-login loop/,
  },
  {
    name: "api-disabled",
    scenario: "api_disabled",
    cause: "api_disabled",
    stage: "rest",
    first: /^Grant API Enabled/,
  },
  {
    name: "api-disabled-soap",
    scenario: "api_disabled",
    config: { checks: ["token", "metadata"] },
    cause: "api_disabled",
    stage: "metadata",
    first: /^Grant API Enabled/,
  },
  {
    name: "api-disabled-edition",
    sim: { apiEnabled: false },
    cause: "api_disabled",
    stage: "rest",
    first: /Minimum Access - API Only Integrations", that profile already grants API access/,
  },
  {
    name: "api-limit-exceeded",
    scenario: "api_limit_exceeded",
    cause: "api_limit_exceeded",
    // Identity already reports the allocation spent, so REST waits; the one /limits call a pass
    // spends under the floor is the one that fails.
    stage: "limits",
    transient: true,
    first: /^See the usage in Setup → Company Information/,
  },
  {
    name: "session-invalid",
    scenario: "session_invalid",
    cause: "session_invalid",
    stage: "identity",
    first: /^A fresh token that fails at once/,
  },
  {
    name: "session-not-valid-for-api",
    scenario: "session_not_valid_for_api",
    cause: "session_not_valid_for_api",
    stage: "rest",
    first: /^Add the scope "Manage user data via APIs \(api\)"/,
  },
  {
    name: "jwt-bulk",
    scenario: "jwt_token_format_unsupported",
    cause: "jwt_token_format_unsupported",
    stage: "bulk",
    first: /^Turn the setting off/,
  },
  {
    name: "jwt-rest",
    sim: { appPolicy: JWT, jwtAcceptedBy: [] },
    cause: "jwt_token_format_unsupported",
    stage: "identity",
    first: /^Turn the setting off/,
  },
  {
    name: "jwt-soap",
    sim: { appPolicy: JWT, jwtAcceptedBy: ["rest", "bulk"] },
    cause: "jwt_token_format_unsupported",
    stage: "metadata",
    first: /^Turn the setting off/,
  },
  {
    name: "jwt-v68",
    sim: { appPolicy: JWT, jwtAcceptedBy: ["rest", "bulk"], maxApiVersion: "68.0" },
    config: { apiVersion: "68.0" },
    cause: null,
    stage: null,
  },
  {
    name: "insufficient-access",
    scenario: "insufficient_access",
    cause: "insufficient_access",
    stage: "rest",
    first: /^Grant the missing access/,
  },
  {
    name: "version-too-new",
    scenario: "api_version_unsupported",
    cause: "api_version_unsupported",
    stage: "rest",
    first: /^Pick a version listed by GET/,
  },
  {
    name: "version-retired",
    sim: { minApiVersion: "66.0", maxApiVersion: "66.0" },
    cause: "api_version_unsupported",
    stage: "rest",
    first: /^Pick a version listed by GET/,
  },
  {
    name: "version-retired-soap",
    sim: { minApiVersion: "66.0", maxApiVersion: "66.0" },
    config: { checks: ["token", "metadata"] },
    cause: "api_version_unsupported",
    stage: "metadata",
    first: /^Pick a version listed by GET/,
  },
  {
    name: "version-deprecated",
    sim: { deprecatedBelow: "66.0" },
    cause: null,
    stage: null,
    warning: "api_version_unsupported",
  },
  {
    name: "salesforce-unavailable",
    scenario: "salesforce_unavailable",
    fault: "html503",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
    first: /^Usually a Salesforce incident/,
  },
  {
    name: "proxy-token",
    sim: { faults: { token: { kind: "proxy403" } } },
    fault: "proxy403",
    cause: "network_error",
    stage: "token",
    transient: false,
    first: /^Let the monitor's egress reach the token host/,
  },
  {
    name: "proxy-api",
    sim: { faults: { query: { kind: "proxy403" } } },
    cause: "network_error",
    stage: "rest",
    transient: false,
    first: /^Let the monitor's egress reach the org's instance/,
  },
  {
    name: "cdn",
    sim: { faults: { all: { kind: "cdn503" } } },
    fault: "cdn503",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
    first: /^Usually a Salesforce incident/,
  },
  {
    name: "busy",
    sim: { faults: { query: { kind: "busy503" } } },
    fault: "busy503",
    cause: "salesforce_unavailable",
    stage: "rest",
    transient: true,
    first: /^Usually a Salesforce incident/,
  },
  {
    name: "unresolvable-instance",
    sim: { faults: { token: { kind: "unresolvable_instance" } } },
    fault: "unresolvable_instance",
    cause: "network_error",
    stage: "rest",
    transient: true,
    first: /^The token exchange worked, but the instance host it returned .* does not resolve/,
  },
  {
    name: "truncated",
    sim: { faults: { token: { kind: "truncated" } } },
    fault: "truncated",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
  },
  {
    name: "nonjson",
    sim: { faults: { token: { kind: "nonjson" } } },
    fault: "nonjson",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
  },
  {
    name: "no-access-token",
    sim: { faults: { token: { kind: "no_access_token" } } },
    fault: "no_access_token",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
  },
  {
    name: "redirect",
    sim: { faults: { query: { kind: "redirect_login" } } },
    fault: "redirect_login",
    cause: "network_error",
    stage: "rest",
    transient: false,
    first: /^Compare the configured login URL/,
  },
  {
    name: "reset",
    sim: { faults: { token: { kind: "reset" } } },
    fault: "reset",
    cause: "network_error",
    stage: "token",
    transient: true,
  },
  {
    name: "hang",
    sim: { faults: { limits: { kind: "hang" } } },
    fault: "hang",
    cause: "salesforce_unavailable",
    stage: "limits",
    transient: true,
  },
  {
    name: "slow",
    sim: { faults: { identity: { kind: "slow", delayMs: 50 } } },
    fault: "slow",
    cause: null,
    stage: null,
  },
];

/** The fleet of the table: one org per row. */
export const orgs: FleetOrg[] = TABLE.map((row) => ({
  id: `o-${row.name}`,
  scenario: row.scenario ?? "healthy",
  ...(row.sandbox ? { sandbox: true } : {}),
  ...(row.sim ? { sim: row.sim } : {}),
}));

/** The org's https base URL as fix steps show it (with the simulator's port). */
export function baseOf(org: FleetOrg, port: number): string {
  return loginUrlOf(org, port).replace(/^http:/, "https:");
}

/** An RSA key too small for Salesforce, made at run time (never committed). */
export function smallKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
}

/** The fleet with each row's orgwatch config filled in ($MYDOMAIN, $PORT, $CHANGED, $SMALLKEY). */
export function configuredOrgs(port: number, now: number, smallKey: string): FleetOrg[] {
  return orgs.map((o, i) => {
    const config = Object.entries(TABLE[i]?.config ?? {}).map(([k, v]): [string, unknown] => [
      k,
      typeof v === "string"
        ? v
            .replace("$MYDOMAIN", baseOf(o, port).replace(/:\d+$/, ""))
            .replace("$PORT", String(port))
            .replace("$CHANGED", new Date(now - 2 * MIN).toISOString())
            .replace("$SMALLKEY", smallKey)
        : v,
    ]);
    return { ...o, config: Object.fromEntries(config) };
  });
}
