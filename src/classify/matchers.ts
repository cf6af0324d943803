import { codeIs, textHas, type Failure } from "./failure.js";

/** The OAuth `error` is one of these codes. */
export const err = (f: Failure, ...codes: string[]): boolean => codeIs(f.evidence.error, ...codes);
/** `invalid_grant` with a description matching the pattern. */
export const grant = (f: Failure, pattern: RegExp): boolean =>
  err(f, "invalid_grant") && textHas(f.evidence.errorDescription, pattern);
/** The REST errorCode or SOAP faultcode is one of these codes. */
export const code = (f: Failure, ...codes: string[]): boolean =>
  codeIs(f.evidence.errorCode, ...codes);
/** "user hasn't approved this consumer". */
export const NOT_APPROVED = /approved this consumer/i;

/** SOAP (Metadata) accepts JWT-format access tokens from this API version on. */
export const SOAP_JWT_MIN_API_VERSION = 68;

const JWT_FORMAT = /INVALID_JWT_FORMAT/i;
/** SOAP fault codes that do mean the server is unavailable (partner WSDL ExceptionCode). */
const UNAVAILABLE_FAULTS = ["SERVER_UNAVAILABLE"];

/** `app_not_found` or its description (not OAUTH_APP_BLOCKED, which is an interactive-flow block). */
export function appNotFound(f: Failure): boolean {
  return (
    err(f, "app_not_found") || textHas(f.evidence.errorDescription, /client app is not installed/i)
  );
}

/** A SOAP fault whose code no rule above recognised as an outage: not Salesforce being down. */
export function namedSoapFault(f: Failure): boolean {
  return (
    f.stage === "metadata" && f.evidence.errorCode !== undefined && !code(f, ...UNAVAILABLE_FAULTS)
  );
}

/** Whether the Metadata API at the configured version rejects JWT-format tokens. */
export function soapRejectsJwt(apiVersion: string): boolean {
  const v = Number.parseFloat(apiVersion.replace(/^v/i, ""));
  return Number.isNaN(v) || v < SOAP_JWT_MIN_API_VERSION;
}

/**
 * errors.md D.9: a JWT-format token from this pass's exchange that SOAP below v68.0 refuses, or
 * that any stage refuses with INVALID_JWT_FORMAT.
 */
export function jwtFormatRejected(f: Failure): boolean {
  if (f.tokenFormat !== "jwt") return false;
  if (code(f, "INVALID_JWT_FORMAT") || textHas(f.evidence.message, JWT_FORMAT)) return true;
  return (
    f.stage === "metadata" && code(f, "INVALID_SESSION_ID") && soapRejectsJwt(f.org.apiVersion)
  );
}
