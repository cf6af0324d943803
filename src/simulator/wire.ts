/**
 * Every string the simulator puts on the wire, copied from /work/shared/reference (errors.md,
 * api-checks.md, token-endpoint.md). Bodies are built as objects in the reference's key order so
 * that JSON.stringify reproduces them byte for byte.
 */

/** A token-endpoint error body `{"error","error_description"}`. */
export interface OAuthError {
  error: string;
  error_description: string;
}

/** One element of a REST error array `[{"message","errorCode"}]`. */
export interface RestError {
  message: string;
  errorCode: string;
}

const oauth = (error: string, error_description: string): OAuthError => ({
  error,
  error_description,
});

/** Token-endpoint bodies by cause id (errors.md §A); low-confidence ones are per-org overridable. */
export const TOKEN_ERRORS = {
  app_not_installed: oauth("app_not_found", "External client app is not installed in this org"),
  user_not_preauthorized: oauth(
    "invalid_app_access",
    "user is not admin approved to access this app",
  ),
  consumer_not_approved: oauth("invalid_grant", "user hasn't approved this consumer"),
  audience_invalid: oauth("invalid_grant", "audience is invalid"),
  invalid_assertion: oauth("invalid_grant", "invalid assertion"),
  assertion_expired: oauth("invalid_grant", "expired authorization code"),
  client_id_invalid: oauth("invalid_client_id", "client identifier invalid"),
  // low: best guess per errors.md §B (same string as consumer_not_approved)
  user_not_found: oauth("invalid_grant", "user hasn't approved this consumer"),
  // med: restforce #303 capture; the official list says inactive_user / "User is inactive"
  user_inactive: oauth("invalid_grant", "inactive user"),
  // low: official error list only
  org_inactive: oauth("inactive_org", "Org is locked, closed, or suspended"),
  ip_restricted: oauth("invalid_grant", "ip restricted or invalid login hours"),
  // med: as JWT clients see it (errors.md D.10, n8n PR #32325); the official list has
  // rate_limit_exceeded / "Number of logins exceeded", which a SIMFILE may switch to
  login_rate_exceeded: oauth("invalid_grant", "login rate exceeded"),
  unsupported_grant_type: oauth("unsupported_grant_type", "grant type not supported"),
  // low: official code name only; description is the simulator's guess
  invalid_request: oauth("invalid_request", "assertion parameter is missing"),
} as const satisfies Record<string, OAuthError>;

/** Token-endpoint causes whose body a SIMFILE may override (the low/med-confidence ones). */
export const OVERRIDABLE_TOKEN_ERRORS = [
  "user_not_found",
  "user_inactive",
  "org_inactive",
  "login_rate_exceeded",
  "invalid_request",
] as const;

/** A token-endpoint cause id that has a body. */
export type TokenErrorId = keyof typeof TOKEN_ERRORS;

/** REST error bodies (api-checks.md §3, errors.md §A). */
export const REST_ERRORS = {
  session_invalid: { message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" },
  session_not_valid_for_api: {
    message: "This session is not valid for use with the REST API",
    errorCode: "INVALID_SESSION_ID",
  },
  auth_header_invalid: { message: "INVALID_HEADER_TYPE", errorCode: "INVALID_AUTH_HEADER" },
  jwt_format: { message: "INVALID_JWT_FORMAT", errorCode: "INVALID_AUTH_HEADER" },
  api_limit_exceeded: {
    message: "TotalRequests Limit exceeded.",
    errorCode: "REQUEST_LIMIT_EXCEEDED",
  },
  api_disabled: {
    message: "The REST API is not enabled for this Organization.",
    errorCode: "API_DISABLED_FOR_ORG",
  },
  // errors.md D.3: the per-user twin of API_DISABLED_FOR_ORG
  api_currently_disabled: {
    message: "API is disabled for this User",
    errorCode: "API_CURRENTLY_DISABLED",
  },
  // errors.md D.6 (restforce #156)
  server_unavailable: { message: "Server too busy", errorCode: "SERVER_UNAVAILABLE" },
  // errors.md D.11: REST answers a retired version with 410; the message is the REST docs'
  // description of 410 and the errorCode is the status name (no captured body exists)
  retired_version: {
    message: "The requested resource is retired or removed",
    errorCode: "GONE",
  },
  no_query: { message: "A query string has to be specified", errorCode: "MALFORMED_QUERY" },
} as const satisfies Record<string, RestError>;

/** The 404 body; its key order (errorCode first) is as quoted in the reference. */
export const NOT_FOUND_BODY =
  '[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]';

/** JSON content type Salesforce sends on REST and token responses. */
export const JSON_TYPE = "application/json;charset=UTF-8";

/**
 * The SOAP fault body for an exception code (api-checks.md §2, metadata namespace variant). An
 * empty message leaves the faultstring as the bare code (for codes whose text is not captured).
 */
export function soapFault(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:sf="http://soap.sforce.com/2006/04/metadata" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    "<soapenv:Body><soapenv:Fault>" +
    `<faultcode>sf:${code}</faultcode>` +
    `<faultstring>${message === "" ? code : `${code}: ${message}`}</faultstring>` +
    `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">` +
    `<sf:exceptionCode>${code}</sf:exceptionCode>` +
    `<sf:exceptionMessage>${message}</sf:exceptionMessage>` +
    "</sf:UnexpectedErrorFault></detail>" +
    "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
  );
}

/** Headers of a real token-endpoint 400 (errors.md D.12, SFSE q/207685). */
export const TOKEN_ERROR_HEADERS = {
  "cache-control": "no-cache,must-revalidate,max-age=0,no-store,private",
  expires: "Thu, 01 Jan 1970 00:00:00 GMT",
} as const;

/** Every Salesforce answer carries this `Server` header (errors.md D.6, airbyte #71024). */
export const SALESFORCE_SERVER = "sfdcedge";

/**
 * An egress proxy's refusal (errors.md D.6: `Server: squid`, `X-Squid-Error`). The page text is
 * the simulator's own: the reference quotes no proxy body, only that it is HTML.
 */
export const PROXY_DENIED_HTML =
  "<!DOCTYPE html><html><head><title>ERROR: The requested URL could not be retrieved</title></head>" +
  "<body><h1>Access Denied</h1><p>Access control configuration prevents your request from being allowed at this time.</p></body></html>";

/** A CDN partner's 503 page (errors.md D.6, SalesforceMobileSDK-CordovaPlugin #621). */
export const CDN_503_HTML =
  "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>" +
  "<body><h1>Service Unavailable</h1><p>This error originated from Salesforce CDN partner</p></body></html>";

/** The SOAP session fault message seen in captures. */
export const SOAP_INVALID_SESSION = "Invalid Session ID found in SessionHeader: Illegal Session";

/** A maintenance page like the one Salesforce serves with HTTP 503. */
export const MAINTENANCE_HTML =
  "<!DOCTYPE html><html><head><title>Salesforce - Down for Maintenance</title></head>" +
  "<body><h1>Down for Maintenance</h1><p>Salesforce is down for maintenance. " +
  "We apologize for the inconvenience; please check back soon.</p></body></html>";

/** The INVALID_TYPE message Salesforce builds for an unknown or hidden sObject in SOQL. */
export function invalidTypeMessage(query: string, objectName: string): string {
  const column = query.indexOf(objectName) + 1;
  return (
    `\n${query}\n${" ".repeat(Math.max(column - 1, 0))}^\nERROR at Row:1:Column:${column}\n` +
    `sObject type '${objectName}' is not supported. If you are attempting to use a custom object, ` +
    "be sure to append the '__c' after the entity name. Please reference your WSDL or the describe " +
    "call for the appropriate names."
  );
}

/** The MALFORMED_QUERY message for a query the simulator cannot parse. */
export function malformedQueryMessage(query: string): string {
  return `\n${query}\n^\nERROR at Row:1:Column:1\nunexpected token: '${query.split(/\s+/)[0] ?? ""}'`;
}
