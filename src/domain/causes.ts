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
