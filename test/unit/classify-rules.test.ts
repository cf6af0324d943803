import { describe, expect, it } from "vitest";
import { CAUSE_IDS, type CauseId, type StageId } from "../../src/domain/index.js";
import { classify, RULES, ruleMatches, toFailure } from "../../src/classify/index.js";
import {
  apiError,
  ago,
  DAY,
  inputFor,
  MINUTE,
  NOW,
  org,
  history,
  stagesFailingAt,
  tokenError,
  type Witness,
} from "./classify.fixtures.js";

const NOT_APPROVED = tokenError("invalid_grant", "user hasn't approved this consumer");
const HTML_503 = {
  kind: "http",
  httpStatus: 503,
  contentType: "text/html",
  bodyExcerpt: "<html><title>Down for maintenance</title></html>",
} as const;

/** For every rule, a witness it matches and no earlier rule matches, and what it must yield. */
const WITNESSES: Record<string, Witness & { cause: CauseId; transient: boolean }> = {
  "local.key": {
    stage: "local",
    evidence: { kind: "local", detail: "EC keys are not supported" },
    cause: "key_invalid",
    transient: false,
  },
  "transport.no_response": {
    stage: "token",
    evidence: { kind: "network", networkCode: "ECONNREFUSED" },
    cause: "network_error",
    transient: true,
  },
  "transport.redirect": {
    stage: "rest",
    evidence: { kind: "http", httpStatus: 302, redirectTo: "acme.my.salesforce.com/login" },
    cause: "network_error",
    transient: false,
  },
  "transport.proxy": {
    stage: "token",
    evidence: {
      kind: "http",
      httpStatus: 403,
      contentType: "text/html",
      bodyExcerpt: "ERROR: The requested URL could not be retrieved",
      headers: { server: "squid/5.7", "x-squid-error": "ERR_ACCESS_DENIED 0" },
    },
    cause: "network_error",
    transient: false,
  },
  "transport.timeout": {
    stage: "limits",
    evidence: { kind: "timeout" },
    cause: "salesforce_unavailable",
    transient: true,
  },
  "token.app_not_found.generic_host": {
    stage: "token",
    evidence: tokenError("app_not_found", "External client app is not installed in this org"),
    cause: "my_domain_required",
    transient: false,
  },
  "token.app_not_found": {
    stage: "token",
    evidence: tokenError("app_not_found", "External client app is not installed in this org"),
    org: { audience: "https://acme--dev.sandbox.my.salesforce.com" },
    cause: "app_not_installed",
    transient: false,
  },
  "token.invalid_app_access.propagating": {
    stage: "token",
    evidence: tokenError("invalid_app_access", "user is not admin approved to access this app"),
    history: { configChangedAt: ago(3 * MINUTE) },
    cause: "app_propagating",
    transient: true,
  },
  "token.invalid_app_access": {
    stage: "token",
    evidence: tokenError("invalid_app_access", "user is not admin approved to access this app"),
    cause: "user_not_preauthorized",
    transient: false,
  },
  "token.client_id.propagating": {
    stage: "token",
    evidence: tokenError("invalid_client_id", "client identifier invalid"),
    history: { configChangedAt: ago(5 * MINUTE) },
    cause: "app_propagating",
    transient: true,
  },
  "token.client_id": {
    stage: "token",
    evidence: tokenError("invalid_client_id", "client identifier invalid"),
    cause: "client_id_invalid",
    transient: false,
  },
  "token.unsupported_grant_type": {
    stage: "token",
    evidence: tokenError("unsupported_grant_type", "grant type not supported"),
    cause: "unsupported_grant_type",
    transient: false,
  },
  "token.inactive_user": {
    stage: "token",
    evidence: tokenError("inactive_user", "User is inactive"),
    cause: "user_inactive",
    transient: false,
  },
  "token.inactive_org": {
    stage: "token",
    evidence: tokenError("inactive_org", "Org is locked, closed, or suspended"),
    cause: "org_inactive",
    transient: false,
  },
  "token.rate_limit": {
    stage: "token",
    evidence: tokenError("rate_limit_exceeded", "Number of logins exceeded"),
    cause: "login_rate_exceeded",
    transient: true,
  },
  "token.invalid_request": {
    stage: "token",
    evidence: tokenError("invalid_request", "HTTPS required"),
    cause: "invalid_request",
    transient: false,
  },
  "grant.audience": {
    stage: "token",
    evidence: tokenError("invalid_grant", "audience is invalid"),
    cause: "audience_invalid",
    transient: false,
  },
  "grant.invalid_assertion": {
    stage: "token",
    evidence: tokenError("invalid_grant", "invalid assertion"),
    cause: "invalid_assertion",
    transient: false,
  },
  "grant.expired": {
    stage: "token",
    evidence: tokenError("invalid_grant", "expired authorization code"),
    cause: "assertion_expired",
    transient: false,
  },
  "grant.ip_restricted": {
    stage: "token",
    evidence: tokenError("invalid_grant", "ip restricted or invalid login hours"),
    cause: "ip_restricted",
    transient: false,
  },
  "grant.inactive_user": {
    stage: "token",
    evidence: tokenError("invalid_grant", "inactive user"),
    cause: "user_inactive",
    transient: false,
  },
  "grant.login_rate": {
    stage: "token",
    evidence: tokenError("invalid_grant", "Login Rate Exceeded"),
    cause: "login_rate_exceeded",
    transient: true,
  },
  "grant.not_approved.propagating": {
    stage: "token",
    evidence: NOT_APPROVED,
    org: { createdAt: ago(4 * MINUTE) },
    cause: "app_propagating",
    transient: true,
  },
  "grant.not_approved.refreshed_sandbox": {
    stage: "token",
    evidence: NOT_APPROVED,
    org: { username: "integration@acme.com" },
    cause: "user_not_found",
    transient: false,
  },
  "grant.not_approved.aged_out": {
    stage: "token",
    evidence: NOT_APPROVED,
    history: { firstSuccessAt: ago(40 * DAY), lastSuccessAt: ago(10 * MINUTE) },
    cause: "approval_aged_out",
    transient: false,
  },
  "grant.not_approved": {
    stage: "token",
    evidence: NOT_APPROVED,
    cause: "consumer_not_approved",
    transient: false,
  },
  "api.request_limit": {
    stage: "limits",
    evidence: apiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    cause: "api_limit_exceeded",
    transient: true,
  },
  "api.disabled": {
    stage: "rest",
    evidence: apiError(
      403,
      "API_DISABLED_FOR_ORG",
      "The REST API is not enabled for this Organization.",
    ),
    cause: "api_disabled",
    transient: false,
  },
  "api.session_not_valid_for_api": {
    stage: "rest",
    evidence: apiError(
      401,
      "INVALID_SESSION_ID",
      "This session is not valid for use with the REST API",
    ),
    cause: "session_not_valid_for_api",
    transient: false,
  },
  "api.jwt_format": {
    stage: "bulk",
    evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT"),
    tokenFormat: "jwt",
    cause: "jwt_token_format_unsupported",
    transient: false,
  },
  "api.session_invalid": {
    stage: "rest",
    evidence: apiError(401, "INVALID_SESSION_ID", "Session expired or invalid"),
    cause: "session_invalid",
    transient: false,
  },
  "api.auth_header": {
    stage: "rest",
    evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE"),
    cause: "auth_header_invalid",
    transient: false,
  },
  "api.insufficient_access": {
    stage: "rest",
    evidence: apiError(400, "INVALID_TYPE", "sObject type 'Organization' is not supported."),
    cause: "insufficient_access",
    transient: false,
  },
  "api.version": {
    stage: "limits",
    evidence: apiError(410, "GONE", "The requested resource is retired or removed"),
    cause: "api_version_unsupported",
    transient: false,
  },
  "identity.inactive": {
    stage: "identity",
    evidence: { kind: "http", httpStatus: 200, detail: "identity says active:false" },
    cause: "user_inactive",
    transient: false,
  },
  "identity.mismatch": {
    stage: "identity",
    evidence: {
      kind: "http",
      httpStatus: 200,
      detail: "identity user is other@acme.com, not integration@acme.com.dev",
    },
    cause: "unknown",
    transient: true,
  },
  "http.server_error": {
    stage: "token",
    evidence: HTML_503,
    cause: "salesforce_unavailable",
    transient: true,
  },
  "http.unreadable_body": {
    stage: "token",
    evidence: {
      kind: "http",
      httpStatus: 200,
      contentType: "application/json",
      bodyExcerpt: '{"instance_url":"https://acme',
      detail: "no access_token",
    },
    cause: "salesforce_unavailable",
    transient: true,
  },
  fallback: {
    stage: "token",
    evidence: tokenError("invalid_grant", "authentication failure"),
    cause: "unknown",
    transient: true,
  },
};

describe("rule table", () => {
  it("has unique rule names and a witness for every rule", () => {
    const names = RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(WITNESSES).sort()).toEqual([...names].sort());
  });

  it("ends with a fallback that matches anything", () => {
    expect(RULES.at(-1)?.name).toBe("fallback");
    expect(RULES.at(-1)?.id).toBe("unknown");
  });

  it.each(RULES.map((r, i) => [r.name, i] as const))(
    "%s is reachable and not shadowed",
    (name, i) => {
      const w = WITNESSES[name];
      if (w === undefined) throw new Error(`no witness for ${name}`);
      const f = toFailure(inputFor(w));
      if (f === null) throw new Error("witness must fail");
      const rule = RULES[i];
      if (rule === undefined) throw new Error("index");
      expect(ruleMatches(rule, f)).toBe(true);
      const earlier = RULES.slice(0, i)
        .filter((r) => ruleMatches(r, f))
        .map((r) => r.name);
      expect(earlier).toEqual([]);
    },
  );

  it.each(Object.entries(WITNESSES))("%s: evidence in, cause/stage/transient out", (_name, w) => {
    const { diagnosis } = classify(inputFor(w));
    expect(diagnosis?.cause).toBe(w.cause);
    expect(diagnosis?.stage).toBe(w.stage);
    expect(diagnosis?.transient).toBe(w.transient);
  });

  it("reaches every cause except certificate_expiring (a warning by construction)", () => {
    const reached = new Set(
      Object.values(WITNESSES).map((w) => classify(inputFor(w)).diagnosis?.cause),
    );
    const missing = CAUSE_IDS.filter((c) => c !== "certificate_expiring" && !reached.has(c));
    expect(missing).toEqual([]);
  });
});

/** Variant strings and look-alikes the reference lists. */
const VARIANTS: Array<[string, Witness, CauseId]> = [
  [
    "official audience sample",
    { stage: "token", evidence: tokenError("invalid_grant", "Audience validation failed") },
    "audience_invalid",
  ],
  [
    "capitalised IP text",
    {
      stage: "token",
      evidence: tokenError("invalid_grant", "IP restricted or invalid login hours"),
    },
    "ip_restricted",
  ],
  [
    "upper-case error value",
    { stage: "token", evidence: tokenError("INVALID_GRANT", "Invalid Assertion") },
    "invalid_assertion",
  ],
  [
    "OAUTH_APP_BLOCKED",
    { stage: "token", evidence: tokenError("OAUTH_APP_BLOCKED", "this app is blocked by admin") },
    "app_not_installed",
  ],
  [
    "API disabled variant",
    {
      stage: "bulk",
      evidence: apiError(
        403,
        "API_DISABLED_FOR_ORG",
        "API is not enabled for this Organization or Partner",
      ),
    },
    "api_disabled",
  ],
  [
    "503 + REQUEST_LIMIT_EXCEEDED is the limit",
    {
      stage: "rest",
      evidence: apiError(503, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    },
    "api_limit_exceeded",
  ],
  [
    "token 500 JSON unknown_error",
    { stage: "token", evidence: tokenError("unknown_error", "retry your request", 500) },
    "salesforce_unavailable",
  ],
  [
    "SOAP INVALID_SESSION_ID + JWT token",
    {
      stage: "metadata",
      evidence: apiError(
        500,
        "INVALID_SESSION_ID",
        "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session",
      ),
      tokenFormat: "jwt",
    },
    "jwt_token_format_unsupported",
  ],
  [
    "SOAP INVALID_SESSION_ID + JWT token at v68",
    {
      stage: "metadata",
      evidence: apiError(500, "INVALID_SESSION_ID", "Illegal Session"),
      tokenFormat: "jwt",
      org: { apiVersion: "68.0" },
    },
    "session_invalid",
  ],
  [
    "SOAP INVALID_SESSION_ID + opaque token",
    { stage: "metadata", evidence: apiError(500, "INVALID_SESSION_ID", "Illegal Session") },
    "session_invalid",
  ],
  [
    "Bulk INVALID_JWT_FORMAT + opaque token",
    { stage: "bulk", evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT") },
    "auth_header_invalid",
  ],
  [
    "REST INVALID_JWT_FORMAT + JWT token (D.9)",
    {
      stage: "rest",
      evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT"),
      tokenFormat: "jwt",
    },
    "jwt_token_format_unsupported",
  ],
  [
    "identity INVALID_JWT_FORMAT + JWT token (D.9)",
    {
      stage: "identity",
      evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT"),
      tokenFormat: "jwt",
    },
    "jwt_token_format_unsupported",
  ],
  [
    "INVALID_HEADER_TYPE + JWT token is still the header",
    {
      stage: "bulk",
      evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE"),
      tokenFormat: "jwt",
    },
    "auth_header_invalid",
  ],
  [
    "REST API_CURRENTLY_DISABLED (D.3)",
    {
      stage: "rest",
      evidence: apiError(403, "API_CURRENTLY_DISABLED", "API is disabled for this User"),
    },
    "api_disabled",
  ],
  [
    "SOAP fault API_CURRENTLY_DISABLED (D.3)",
    {
      stage: "metadata",
      evidence: apiError(
        500,
        "API_CURRENTLY_DISABLED",
        "API_CURRENTLY_DISABLED: API is disabled for this User",
      ),
    },
    "api_disabled",
  ],
  [
    "a SOAP fault no rule names is not an outage (D.3)",
    {
      stage: "metadata",
      evidence: apiError(500, "INVALID_OPERATION", "INVALID_OPERATION: no such operation"),
    },
    "unknown",
  ],
  [
    "SOAP fault SERVER_UNAVAILABLE is an outage",
    { stage: "metadata", evidence: apiError(500, "SERVER_UNAVAILABLE", "Server too busy") },
    "salesforce_unavailable",
  ],
  [
    "REST 503 SERVER_UNAVAILABLE (D.6)",
    { stage: "rest", evidence: apiError(503, "SERVER_UNAVAILABLE", "Server too busy") },
    "salesforce_unavailable",
  ],
  [
    "CDN 503 page (D.6)",
    {
      stage: "token",
      evidence: {
        kind: "http",
        httpStatus: 503,
        contentType: "text/html",
        bodyExcerpt: "This error originated from Salesforce CDN partner",
        headers: { server: "AkamaiNetStorage" },
      },
    },
    "salesforce_unavailable",
  ],
  [
    "proxy 407 at an API stage (D.6)",
    {
      stage: "limits",
      evidence: {
        kind: "http",
        httpStatus: 407,
        contentType: "text/html",
        bodyExcerpt: "Cache Access Denied",
        headers: { server: "squid" },
      },
    },
    "network_error",
  ],
  [
    "an HTML 403 that Salesforce sent is not a proxy",
    {
      stage: "rest",
      evidence: {
        kind: "http",
        httpStatus: 403,
        contentType: "text/html",
        bodyExcerpt: "Forbidden",
        headers: { server: "sfdcedge", "x-sfdc-request-id": "abc123" },
      },
    },
    "unknown",
  ],
  [
    "login rate as JWT clients see it (D.10)",
    { stage: "token", evidence: tokenError("invalid_grant", "login rate exceeded") },
    "login_rate_exceeded",
  ],
  [
    "SOAP UNSUPPORTED_API_VERSION (D.11)",
    {
      stage: "metadata",
      evidence: apiError(500, "UNSUPPORTED_API_VERSION", "UNSUPPORTED_API_VERSION"),
    },
    "api_version_unsupported",
  ],
  [
    "Bulk InvalidVersion (D.11)",
    { stage: "bulk", evidence: apiError(400, "InvalidVersion", "Invalid version") },
    "api_version_unsupported",
  ],
  [
    "OAUTH_APP_BLOCKED through a generic host is still the install",
    { stage: "token", evidence: tokenError("OAUTH_APP_BLOCKED", "this app is blocked by admin") },
    "app_not_installed",
  ],
  [
    "app_not_found through login.salesforce.com as host with My Domain aud",
    {
      stage: "token",
      evidence: tokenError("app_not_found", "External client app is not installed in this org"),
      org: {
        loginUrl: "https://login.salesforce.com",
        audience: "https://acme--dev.sandbox.my.salesforce.com",
      },
    },
    "my_domain_required",
  ],
  [
    "INSUFFICIENT_ACCESS_OR_READONLY",
    {
      stage: "bulk",
      evidence: apiError(403, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights"),
    },
    "insufficient_access",
  ],
  [
    "404 NOT_FOUND on a versioned path",
    {
      stage: "limits",
      evidence: apiError(404, "NOT_FOUND", "The requested resource does not exist"),
    },
    "api_version_unsupported",
  ],
  [
    "HTML 404 at the token endpoint",
    {
      stage: "token",
      evidence: {
        kind: "http",
        httpStatus: 404,
        contentType: "text/html",
        bodyExcerpt: "<h1>URL No Longer Exists</h1>",
      },
    },
    "unknown",
  ],
  [
    "unrecognised REST error",
    {
      stage: "rest",
      evidence: apiError(400, "MALFORMED_QUERY", "A query string has to be specified"),
    },
    "unknown",
  ],
  [
    "timeout at the token endpoint",
    { stage: "token", evidence: { kind: "timeout" } },
    "salesforce_unavailable",
  ],
];

describe("variants and look-alikes", () => {
  it.each(VARIANTS)("%s", (_label, w, cause) => {
    expect(classify(inputFor(w)).diagnosis?.cause).toBe(cause);
  });

  it.each([
    ["ENOTFOUND", true],
    ["ECONNRESET", true],
    ["UND_ERR_CONNECT_TIMEOUT", true],
    ["CERT_HAS_EXPIRED", false],
    ["ERR_TLS_CERT_ALTNAME_INVALID", false],
  ] as const)("network %s is network_error, transient %s", (networkCode, transient) => {
    const d = classify(
      inputFor({ stage: "rest", evidence: { kind: "network", networkCode } }),
    ).diagnosis;
    expect(d?.cause).toBe("network_error");
    expect(d?.transient).toBe(transient);
  });
});

describe("which stage is classified", () => {
  const base = { org: org(), history: history(), now: NOW };

  it("a pass with no failed stage is healthy", () => {
    const stages = stagesFailingAt(null, { kind: "http" });
    expect(classify({ ...base, stages })).toEqual({ diagnosis: null, warnings: [] });
  });

  it("stages skipped for api_floor / not_configured / budget are not failures", () => {
    const stages = stagesFailingAt(null, { kind: "http" }).map((s) =>
      s.stage === "bulk" || s.stage === "metadata" || s.stage === "limits"
        ? { ...s, ok: false, skipped: true, skipReason: "api_floor" as const }
        : s,
    );
    expect(classify({ ...base, stages }).diagnosis).toBeNull();
  });

  it("uses the first failed stage, not later ones", () => {
    const stages = stagesFailingAt("rest", apiError(403, "API_DISABLED_FOR_ORG", "off"));
    const later = stages.map((s) =>
      s.stage === "bulk"
        ? { ...s, skipped: false, evidence: apiError(403, "REQUEST_LIMIT_EXCEEDED", "x") }
        : s,
    );
    expect(classify({ ...base, stages: later }).diagnosis).toMatchObject({
      cause: "api_disabled",
      stage: "rest",
    });
  });

  it("a failed stage without evidence falls back to its status row", () => {
    const stages = stagesFailingAt("rest", { kind: "http" }).map((s) =>
      s.stage === "rest"
        ? {
            stage: s.stage,
            ok: false,
            skipped: false,
            durationMs: 1,
            httpStatus: 403,
            errorCode: "API_DISABLED_FOR_ORG",
          }
        : s,
    );
    expect(classify({ ...base, stages }).diagnosis?.cause).toBe("api_disabled");
  });

  it("is pure: the same input gives the same output", () => {
    const input = inputFor(WITNESSES["grant.not_approved"] as Witness);
    expect(classify(input)).toEqual(classify(structuredClone(input)));
  });

  it.each(["local", "token", "identity", "rest", "limits", "bulk", "metadata"] as StageId[])(
    "the diagnosis names stage %s when it is the one that failed",
    (stage) => {
      const d = classify(inputFor({ stage, evidence: { kind: "timeout" } })).diagnosis;
      expect(d?.stage).toBe(stage);
    },
  );
});
