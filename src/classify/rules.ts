import type { CauseId, StageId } from "../domain/index.js";
import { isUnstructured, statusIn, textHas, type Failure } from "./failure.js";
import {
  approvalAgedOut,
  looksLikeRefreshedSandboxUser,
  usesGenericHostOrAudience,
  withinChangeWindow,
  withinPropagationWindow,
} from "./lookalikes.js";
import {
  appNotFound,
  code,
  err,
  grant,
  jwtFormatRejected,
  namedSoapFault,
  NOT_APPROVED,
} from "./matchers.js";
import { fromProxy } from "./origin.js";
export { SOAP_JWT_MIN_API_VERSION } from "./matchers.js";

/** One failure rule: a stable name, the cause it diagnoses, where it applies and its match. */
export interface Rule {
  /** Unique, stable rule name (several rules may share one cause). */
  name: string;
  id: CauseId;
  /** The stages the rule applies to; all stages when absent. */
  stages?: readonly StageId[];
  matches(f: Failure): boolean;
}

/** Stages that call the API with an issued token. */
export const API_STAGES: readonly StageId[] = ["identity", "rest", "limits", "bulk", "metadata"];

const TOKEN: readonly StageId[] = ["token"];

/** The ordered rule table (errors.md §C); the first match wins, the last rule always matches. */
export const RULES: readonly Rule[] = [
  { name: "local.key", id: "key_invalid", stages: ["local"], matches: () => true },
  {
    name: "transport.no_response",
    id: "network_error",
    matches: (f) => f.evidence.kind === "network",
  },
  {
    name: "transport.redirect",
    id: "network_error",
    matches: (f) => f.evidence.redirectTo !== undefined || statusIn(f.evidence, 300, 399),
  },
  {
    name: "transport.proxy",
    id: "network_error",
    matches: (f) => fromProxy(f.evidence),
  },
  {
    name: "transport.timeout",
    id: "salesforce_unavailable",
    matches: (f) => f.evidence.kind === "timeout",
  },
  {
    name: "token.app_not_found.generic_host",
    id: "my_domain_required",
    stages: TOKEN,
    matches: (f) => appNotFound(f) && usesGenericHostOrAudience(f),
  },
  {
    name: "token.app_not_found",
    id: "app_not_installed",
    stages: TOKEN,
    matches: (f) => appNotFound(f) || err(f, "OAUTH_APP_BLOCKED"),
  },
  {
    name: "token.invalid_app_access.propagating",
    id: "app_propagating",
    stages: TOKEN,
    matches: (f) => err(f, "invalid_app_access") && withinChangeWindow(f),
  },
  {
    name: "token.invalid_app_access",
    id: "user_not_preauthorized",
    stages: TOKEN,
    matches: (f) => err(f, "invalid_app_access"),
  },
  {
    name: "token.client_id.propagating",
    id: "app_propagating",
    stages: TOKEN,
    matches: (f) => err(f, "invalid_client_id") && withinPropagationWindow(f),
  },
  {
    name: "token.client_id",
    id: "client_id_invalid",
    stages: TOKEN,
    matches: (f) => err(f, "invalid_client_id"),
  },
  {
    name: "token.unsupported_grant_type",
    id: "unsupported_grant_type",
    stages: TOKEN,
    matches: (f) => err(f, "unsupported_grant_type"),
  },
  {
    name: "token.inactive_user",
    id: "user_inactive",
    stages: TOKEN,
    matches: (f) => err(f, "inactive_user"),
  },
  {
    name: "token.inactive_org",
    id: "org_inactive",
    stages: TOKEN,
    matches: (f) => err(f, "inactive_org"),
  },
  {
    name: "token.rate_limit",
    id: "login_rate_exceeded",
    stages: TOKEN,
    matches: (f) => err(f, "rate_limit_exceeded"),
  },
  {
    name: "token.invalid_request",
    id: "invalid_request",
    stages: TOKEN,
    matches: (f) => err(f, "invalid_request"),
  },
  {
    name: "grant.audience",
    id: "audience_invalid",
    stages: TOKEN,
    matches: (f) => grant(f, /audience/i),
  },
  {
    name: "grant.invalid_assertion",
    id: "invalid_assertion",
    stages: TOKEN,
    matches: (f) => grant(f, /invalid assertion/i),
  },
  {
    name: "grant.expired",
    id: "assertion_expired",
    stages: TOKEN,
    matches: (f) => grant(f, /expired authorization code/i),
  },
  {
    name: "grant.ip_restricted",
    id: "ip_restricted",
    stages: TOKEN,
    matches: (f) => grant(f, /ip restricted|invalid login hours/i),
  },
  {
    name: "grant.inactive_user",
    id: "user_inactive",
    stages: TOKEN,
    matches: (f) => grant(f, /inactive user|user is inactive/i),
  },
  {
    name: "grant.login_rate",
    id: "login_rate_exceeded",
    stages: TOKEN,
    matches: (f) => grant(f, /login rate/i),
  },
  {
    name: "grant.not_approved.propagating",
    id: "app_propagating",
    stages: TOKEN,
    matches: (f) => grant(f, NOT_APPROVED) && withinChangeWindow(f),
  },
  {
    name: "grant.not_approved.refreshed_sandbox",
    id: "user_not_found",
    stages: TOKEN,
    matches: (f) => grant(f, NOT_APPROVED) && looksLikeRefreshedSandboxUser(f),
  },
  {
    name: "grant.not_approved.aged_out",
    id: "approval_aged_out",
    stages: TOKEN,
    matches: (f) => grant(f, NOT_APPROVED) && approvalAgedOut(f),
  },
  {
    name: "grant.not_approved",
    id: "consumer_not_approved",
    stages: TOKEN,
    matches: (f) => grant(f, NOT_APPROVED),
  },
  {
    name: "api.request_limit",
    id: "api_limit_exceeded",
    stages: API_STAGES,
    matches: (f) =>
      code(f, "REQUEST_LIMIT_EXCEEDED") ||
      textHas(f.evidence.message, /TotalRequests Limit exceeded/i),
  },
  {
    name: "api.disabled",
    id: "api_disabled",
    stages: API_STAGES,
    matches: (f) =>
      code(f, "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED") ||
      textHas(f.evidence.message, /API is not enabled|API is disabled for this User/i),
  },
  {
    name: "api.session_not_valid_for_api",
    id: "session_not_valid_for_api",
    stages: API_STAGES,
    matches: (f) =>
      code(f, "INVALID_SESSION_ID") && textHas(f.evidence.message, /not valid for use with the/i),
  },
  {
    name: "api.jwt_format",
    id: "jwt_token_format_unsupported",
    stages: API_STAGES,
    matches: jwtFormatRejected,
  },
  {
    name: "api.session_invalid",
    id: "session_invalid",
    stages: API_STAGES,
    matches: (f) => code(f, "INVALID_SESSION_ID"),
  },
  {
    name: "api.auth_header",
    id: "auth_header_invalid",
    stages: API_STAGES,
    matches: (f) => code(f, "INVALID_AUTH_HEADER"),
  },
  {
    name: "api.insufficient_access",
    id: "insufficient_access",
    stages: API_STAGES,
    matches: (f) =>
      code(f, "INVALID_TYPE") || /^INSUFFICIENT_ACCESS/i.test(f.evidence.errorCode ?? ""),
  },
  {
    name: "api.version",
    id: "api_version_unsupported",
    stages: API_STAGES,
    matches: (f) =>
      f.evidence.httpStatus === 410 ||
      code(f, "UNSUPPORTED_API_VERSION", "InvalidVersion") ||
      (f.evidence.httpStatus === 404 && code(f, "NOT_FOUND") && f.stage !== "identity"),
  },
  {
    name: "identity.inactive",
    id: "user_inactive",
    stages: ["identity"],
    matches: (f) =>
      f.evidence.httpStatus === 200 &&
      textHas(f.evidence.detail, /inactive|active\W*(is\W*)?false/i),
  },
  {
    name: "identity.mismatch",
    id: "unknown",
    stages: ["identity"],
    matches: (f) => f.evidence.httpStatus === 200 && f.evidence.detail !== undefined,
  },
  {
    name: "http.server_error",
    id: "salesforce_unavailable",
    matches: (f) => statusIn(f.evidence, 500, 599) && !namedSoapFault(f),
  },
  {
    name: "http.unreadable_body",
    id: "salesforce_unavailable",
    matches: (f) =>
      isUnstructured(f.evidence) &&
      f.evidence.bodyExcerpt !== undefined &&
      statusIn(f.evidence, 200, 299),
  },
  { name: "fallback", id: "unknown", matches: () => true },
];

/** Whether a rule applies to this failure (its stage filter and its match). */
export function ruleMatches(rule: Rule, f: Failure): boolean {
  return (rule.stages === undefined || rule.stages.includes(f.stage)) && rule.matches(f);
}

/** The first rule that matches; the fallback guarantees one. */
export function firstMatch(f: Failure): Rule {
  const rule = RULES.find((r) => ruleMatches(r, f));
  if (rule === undefined) throw new Error("classify: the rule table has no fallback");
  return rule;
}
