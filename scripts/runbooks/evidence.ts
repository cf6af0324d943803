import type { CauseId } from "../../src/domain/causes.js";
import type { StageId } from "../../src/domain/stages.js";

/** What Salesforce (or the monitor's host) shows for a cause, quoted from errors.md. */
export interface CauseEvidence {
  /** The stage where it shows first (words the fix steps use). */
  stage: StageId;
  /** The wire strings, exactly as Salesforce sends them. */
  wire: string[];
}

const TOKEN = "token endpoint, HTTP 400:";
const NOT_APPROVED = `${TOKEN} \`{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}\``;

/** Each cause's evidence from shared/reference/errors.md (section A, corrected by section D). */
export const EVIDENCE: Record<CauseId, CauseEvidence> = {
  key_invalid: {
    stage: "local",
    wire: ["Nothing: the monitor refuses the key before any call (not PEM, not RSA, < 2048 bits)."],
  },
  certificate_expiring: {
    stage: "local",
    wire: [
      "Nothing yet: the certificate copy in the monitor's config expires soon. Whether Salesforce rejects JWTs after the uploaded certificate expires is not evidenced, so this stays a warning.",
    ],
  },
  network_error: {
    stage: "token",
    wire: [
      "No HTTP answer: Node codes `ENOTFOUND`, `ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `UND_ERR_CONNECT_TIMEOUT`; TLS `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`.",
      "Or an HTML 403/407 without `Server: sfdcedge` or `X-SFDC-Request-Id`: an egress proxy, not Salesforce.",
    ],
  },
  app_not_installed: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"app_not_found","error_description":"External client app is not installed in this org"}\` through the org's My Domain.`,
    ],
  },
  my_domain_required: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"app_not_found","error_description":"External client app is not installed in this org"}\` when login.salesforce.com or test.salesforce.com is the token host or the \`aud\` (since Spring '26).`,
    ],
  },
  user_not_preauthorized: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_app_access","error_description":"user is not admin approved to access this app"}\``,
    ],
  },
  consumer_not_approved: { stage: "token", wire: [NOT_APPROVED] },
  approval_aged_out: {
    stage: "token",
    wire: [
      `${NOT_APPROVED}, after the same user worked for a day or more against the same org id.`,
    ],
  },
  audience_invalid: {
    stage: "token",
    wire: [`${TOKEN} \`{"error":"invalid_grant","error_description":"audience is invalid"}\``],
  },
  invalid_assertion: {
    stage: "token",
    wire: [`${TOKEN} \`{"error":"invalid_grant","error_description":"invalid assertion"}\``],
  },
  assertion_expired: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_grant","error_description":"expired authorization code"}\``,
    ],
  },
  client_id_invalid: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_client_id","error_description":"client identifier invalid"}\``,
    ],
  },
  app_propagating: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_client_id","error_description":"client identifier invalid"}\`, "user hasn't approved this consumer" or \`invalid_app_access\`, within 15 minutes of an app or policy change (changes take 2 to 10 minutes).`,
    ],
  },
  user_not_found: {
    stage: "token",
    wire: [
      `${NOT_APPROVED}, for a username that worked under another org id (a sandbox refresh) or lacks the sandbox suffix.`,
    ],
  },
  user_inactive: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_grant","error_description":"inactive user"}\` (or error \`inactive_user\`).`,
    ],
  },
  org_inactive: {
    stage: "token",
    wire: [`${TOKEN} \`{"error":"inactive_org","error_description":…}\``],
  },
  ip_restricted: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"invalid_grant","error_description":"ip restricted or invalid login hours"}\` (case varies).`,
    ],
  },
  login_rate_exceeded: {
    stage: "token",
    wire: [
      'token endpoint: error `rate_limit_exceeded` ("Number of logins exceeded"); Login History shows `LOGIN_RATE_EXCEEDED`.',
    ],
  },
  unsupported_grant_type: {
    stage: "token",
    wire: [
      `${TOKEN} \`{"error":"unsupported_grant_type","error_description":"grant type not supported"}\``,
    ],
  },
  invalid_request: {
    stage: "token",
    wire: [`${TOKEN} \`{"error":"invalid_request","error_description":…}\``],
  },
  api_disabled: {
    stage: "rest",
    wire: [
      'REST or Bulk, HTTP 403: `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`; SOAP fault `API_CURRENTLY_DISABLED`.',
    ],
  },
  api_limit_exceeded: {
    stage: "rest",
    wire: [
      'REST or Bulk, HTTP 403: `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]` (or `ConcurrentPerOrgLongTxn Limit exceeded.`).',
    ],
  },
  session_invalid: {
    stage: "rest",
    wire: [
      'REST, HTTP 401: `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` with a fresh token.',
    ],
  },
  session_not_valid_for_api: {
    stage: "rest",
    wire: [
      'REST, HTTP 401: `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`',
    ],
  },
  jwt_token_format_unsupported: {
    stage: "metadata",
    wire: [
      "SOAP/Metadata below API v68.0, HTTP 500: fault `INVALID_SESSION_ID` for a JWT-format access token.",
      'REST or Bulk, HTTP 401: `[{"message":"INVALID_JWT_FORMAT","errorCode":"INVALID_AUTH_HEADER"}]`',
    ],
  },
  auth_header_invalid: {
    stage: "rest",
    wire: [
      'REST, HTTP 401: `[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`',
    ],
  },
  insufficient_access: {
    stage: "rest",
    wire: [
      'REST, HTTP 400: `[{"message":"sObject type \'X\' is not supported. …","errorCode":"INVALID_TYPE"}]`; HTTP 403 with errorCode `INSUFFICIENT_ACCESS…`.',
    ],
  },
  api_version_unsupported: {
    stage: "rest",
    wire: [
      'REST HTTP 410 ("The requested resource is retired or removed"), SOAP `UNSUPPORTED_API_VERSION`, Bulk `InvalidVersion`.',
    ],
  },
  salesforce_unavailable: {
    stage: "token",
    wire: [
      "HTTP 500, 502 or 503 without an error code, an HTML maintenance page (also a CDN's), or `SERVER_UNAVAILABLE`.",
    ],
  },
  unknown: {
    stage: "token",
    wire: [
      "Anything no rule matches; `orgwatch check --json` keeps `error`/`error_description` or `errorCode`/`message` verbatim.",
    ],
  },
};
