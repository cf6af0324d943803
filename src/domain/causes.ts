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
