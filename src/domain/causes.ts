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

/** Every cause owner, in the order the config and API list them. */
export const OWNER_IDS = ["vendor", "customer", "salesforce"] as const;
/** Who must act to fix a cause: the vendor's own team, the customer's admin, or Salesforce. */
export type CauseOwner = (typeof OWNER_IDS)[number];

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
 * Each cause in one line, without any org's details: beside the cause id on dashboards (the
 * `orgwatch_cause_info` metric) and on the status page. The catalogue's summary says it for one org.
 */
export const CAUSE_SUMMARIES = {
  key_invalid: "The monitor cannot use its private key",
  certificate_expiring: "The certificate uploaded to the app expires soon",
  network_error: "The monitor could not reach Salesforce (network, DNS, proxy or TLS)",
  app_not_installed: "The app is not installed (or is blocked) in the org",
  my_domain_required: "An External Client App needs the org's My Domain as token host and audience",
  user_not_preauthorized: "The integration user is not pre-authorized for the app",
  consumer_not_approved: "The integration user has no approval to use the app",
  approval_aged_out: "The app's approval for the integration user lapsed",
  audience_invalid: "Salesforce rejects the JWT audience (aud)",
  invalid_assertion: "The JWT signature does not match the certificate uploaded to the app",
  assertion_expired: "Salesforce saw the JWT as expired (the monitor's clock is probably behind)",
  client_id_invalid: "Salesforce does not recognise the consumer key (client id)",
  app_propagating: "A recent app or policy change is still propagating (2 to 10 minutes)",
  user_not_found: "The org has no user with the configured username",
  user_inactive: "The integration user is inactive",
  org_inactive: "The org is locked, suspended or closed",
  ip_restricted: "The integration user may not log in from this IP address or at this hour",
  login_rate_exceeded: "The integration user passed Salesforce's hourly login limit",
  unsupported_grant_type: "The token request's grant type was not accepted",
  invalid_request: "Salesforce refused the token request as malformed",
  api_disabled: "The API is not enabled for the integration user or the org's edition",
  api_limit_exceeded: "The org used up its 24-hour API request allocation",
  session_invalid: "A fresh access token was refused as expired or invalid",
  session_not_valid_for_api: "The token is valid but not allowed to call the API",
  jwt_token_format_unsupported: "JWT-format access tokens are refused by an API in use",
  auth_header_invalid: "Salesforce rejected the Authorization header",
  insufficient_access: "The integration user lacks the rights for an API call",
  api_version_unsupported: "The configured API version is retired or not offered",
  salesforce_unavailable: "Salesforce is unavailable or answered with an error page",
  unknown: "A failure no rule recognises",
} as const satisfies Record<CauseId, string>;
