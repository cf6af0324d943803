import type { CauseId } from "../domain/causes.js";

/**
 * Scenario names a SIMFILE or the control API may set: `healthy` plus every cause of errors.md
 * that can show on the wire. Client bugs (unsupported_grant_type, invalid_request,
 * auth_header_invalid) need no scenario: the endpoints answer them from the request alone.
 */
export const SCENARIOS = [
  "healthy",
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
  "api_disabled",
  "api_limit_exceeded",
  "session_invalid",
  "session_not_valid_for_api",
  "jwt_token_format_unsupported",
  "insufficient_access",
  "api_version_unsupported",
  "salesforce_unavailable",
] as const satisfies readonly ("healthy" | CauseId)[];

/** One scenario name. */
export type ScenarioId = (typeof SCENARIOS)[number];

/** Whether a string names a scenario. */
export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIOS as readonly string[]).includes(value);
}
