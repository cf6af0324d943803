import type { FailureReason, SendResult } from "./types.js";

/** A failed send. */
export type SendFailure = Extract<SendResult, { ok: false }>;

type Rule = { reason: FailureReason; retryable: boolean; disable?: true };

const AUTH: Rule = { reason: "auth", retryable: false, disable: true };
const CONFIG: Rule = { reason: "config", retryable: false, disable: true };
const LATER: Rule = { reason: "server_error", retryable: true };

/**
 * Slack platform errors (HTTP 200, `ok:false`) that are not a plain rejection of this one
 * message (slack.md §2.3, §3; "retry?" is our reading of each error's meaning). Anything not
 * listed is `rejected`: this message will never go through as it is, but the next one may.
 */
const PLATFORM_RULES: Record<string, Rule> = {
  // The token cannot work until someone replaces it or fixes the app's scopes.
  invalid_auth: AUTH,
  not_authed: AUTH,
  account_inactive: AUTH,
  token_revoked: AUTH,
  token_expired: AUTH,
  missing_scope: AUTH,
  not_allowed_token_type: AUTH,
  no_permission: AUTH,
  ekm_access_denied: AUTH,
  // The channel setting is wrong, or the bot is not in it: no message can be delivered.
  channel_not_found: CONFIG,
  not_in_channel: CONFIG,
  is_archived: CONFIG,
  is_inactive: CONFIG,
  restricted_action: CONFIG,
  restricted_action_read_only_channel: CONFIG,
  // Slack-side trouble that passes; `internal_error`/`fatal_error` may have posted anyway,
  // which the metadata delivery id lets `confirm` find before a second try.
  ratelimited: { reason: "rate_limited", retryable: true },
  rate_limited: { reason: "rate_limited", retryable: true },
  message_limit_exceeded: { reason: "rate_limited", retryable: true },
  internal_error: LATER,
  fatal_error: LATER,
  service_unavailable: LATER,
  request_timeout: LATER,
  team_added_to_org: LATER,
  org_login_required: LATER,
  update_failed: LATER,
};

/** A Slack error code as a safe detail: only `[a-z0-9_]`, else a fixed word (a raw body). */
export function safeCode(error: string): string {
  return /^[a-z0-9_]{1,80}$/.test(error) ? error : "unreadable_answer";
}

/** What a platform error (`ok:false`, `error`) means for this send. */
export function platformFailure(error: string): SendFailure {
  const detail = safeCode(error);
  const rule: Rule = PLATFORM_RULES[detail] ?? { reason: "rejected", retryable: false };
  return {
    ok: false,
    retryable: rule.retryable,
    reason: rule.reason,
    detail,
    ...(rule.disable === true ? { disable: true } : {}),
  };
}

/** What a non-200, non-429 HTTP status means: 5xx and 408 pass, others are a rejection. */
export function httpFailure(status: number): SendFailure {
  const passes = status >= 500 || status === 408;
  return {
    ok: false,
    retryable: passes,
    reason: passes ? "server_error" : "rejected",
    detail: `http_${status}`,
  };
}

/** The answer for a send that ran out of time (the caller's signal or the client timeout). */
export function timeoutFailure(detail = "timeout"): SendFailure {
  return { ok: false, retryable: true, reason: "timeout", detail };
}

/** A 429: wait `retryAfterSeconds` when Slack said how long (slack.md §6). */
export function rateLimitFailure(retryAfterSeconds: number | null): SendFailure {
  return {
    ok: false,
    retryable: true,
    reason: "rate_limited",
    detail: "ratelimited",
    ...(retryAfterSeconds !== null ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  };
}

/** Errors of `chat.update` on the root that must not stop the resolve reply (slack.md §3). */
export const ROOT_EDIT_SKIPPABLE: ReadonlySet<string> = new Set([
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
]);
