/** Root-cause ids. Stable forever: each one is a metric label, a SQLite value and an alert key. */
export const CAUSE_IDS = [
  "key_invalid",
  "certificate_expiring",
  "network_error",
  "app_not_installed",
  "my_domain_required",
  "user_not_preauthorized",
  "consumer_not_approved",
  "approval_aged_out",
  "audience_invalid",
  "invalid_assertion",
  "assertion_expired",
  "client_id_invalid",
  "app_propagating",
  "user_not_found",
  "user_inactive",
  "org_inactive",
  "ip_restricted",
  "login_rate_exceeded",
  "unsupported_grant_type",
  "invalid_request",
  "api_disabled",
  "api_limit_exceeded",
  "session_invalid",
  "session_not_valid_for_api",
  "jwt_token_format_unsupported",
  "auth_header_invalid",
  "insufficient_access",
  "api_version_unsupported",
  "salesforce_unavailable",
  "unknown",
] as const;

/** One root cause of an unhealthy org, as named in the shared reference (errors.md). */
export type CauseId = (typeof CAUSE_IDS)[number];

/** How loudly a cause should be treated: page someone, warn, or just note. */
export type Severity = "critical" | "warning" | "info";

/** Who must act to fix a cause: the vendor's own team, the customer's admin, or Salesforce. */
export type CauseOwner = "vendor" | "customer" | "salesforce";

/**
 * Whose action fixes each cause, seen from a vendor that runs the integration for its customers'
 * orgs: settings of the integration and its app are the vendor's; installing, approving,
 * permissions, users and org limits are the customer's admin's; an outage or a change still
 * propagating is Salesforce's (wait). Routes use it to page the vendor's on-call for its own
 * causes and to tell the customer's admin about theirs.
 */
export const CAUSE_OWNERS = {
  key_invalid: "vendor",
  certificate_expiring: "vendor",
  network_error: "vendor",
  app_not_installed: "customer",
  my_domain_required: "vendor",
  user_not_preauthorized: "customer",
  consumer_not_approved: "customer",
  approval_aged_out: "customer",
  audience_invalid: "vendor",
  invalid_assertion: "vendor",
  assertion_expired: "vendor",
  client_id_invalid: "vendor",
  app_propagating: "salesforce",
  user_not_found: "customer",
  user_inactive: "customer",
  org_inactive: "customer",
  ip_restricted: "customer",
  login_rate_exceeded: "vendor",
  unsupported_grant_type: "vendor",
  invalid_request: "vendor",
  api_disabled: "customer",
  api_limit_exceeded: "customer",
  session_invalid: "vendor",
  session_not_valid_for_api: "vendor",
  jwt_token_format_unsupported: "vendor",
  auth_header_invalid: "vendor",
  insufficient_access: "customer",
  api_version_unsupported: "vendor",
  salesforce_unavailable: "salesforce",
  unknown: "vendor",
} as const satisfies Record<CauseId, CauseOwner>;

/**
 * Each cause in one line, without any org's details: shown beside the cause id on dashboards
 * (the `orgwatch_cause_info` metric). The catalogue's summary says the same for one org.
 */
export const CAUSE_SUMMARIES = {
  key_invalid: "The monitor's private key is unreadable, not RSA, or under 2048 bits",
  certificate_expiring: "The certificate uploaded to the app expires soon",
  network_error: "No answer from Salesforce: DNS, TLS, a proxy or the connection failed",
  app_not_installed: "The app is not installed in the org",
  my_domain_required: "An External Client App needs the org's My Domain as token host and aud",
  user_not_preauthorized: "The integration user is not pre-authorized for the app",
  consumer_not_approved: "The user has not approved the app (admin pre-approval missing)",
  approval_aged_out: "An approval that worked has been revoked or has expired",
  audience_invalid: "The JWT aud does not fit the org (production, sandbox or My Domain)",
  invalid_assertion: "The assertion's signature does not match the app's certificate",
  assertion_expired: "The assertion expired before Salesforce saw it (clock skew)",
  client_id_invalid: "Salesforce does not know the consumer key",
  app_propagating: "A recent app change is still reaching every Salesforce server",
  user_not_found: "The username does not exist in the org (sandbox refresh, suffix)",
  user_inactive: "The integration user is deactivated",
  org_inactive: "The org is locked, suspended or deleted",
  ip_restricted: "The app's or profile's IP restrictions refuse the monitor",
  login_rate_exceeded: "The user hit Salesforce's hourly login limit",
  unsupported_grant_type: "The token request's grant type is refused",
  invalid_request: "The token request is malformed",
  api_disabled: "API access is off for the org or the user (API Enabled)",
  api_limit_exceeded: "The org's daily API requests are used up",
  session_invalid: "The access token was refused right after it was issued",
  session_not_valid_for_api: "The session's scopes or policies do not allow this API",
  jwt_token_format_unsupported: "A JWT-format access token is refused by an API",
  auth_header_invalid: "The Authorization header is refused",
  insufficient_access: "The user lacks a permission a check needs",
  api_version_unsupported: "The configured API version is retired",
  salesforce_unavailable: "Salesforce is unavailable or in maintenance",
  unknown: "A failure no rule recognises yet",
} as const satisfies Record<CauseId, string>;
