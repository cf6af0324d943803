import type { IncomingHttpHeaders } from "node:http";
import { EVIDENCE_HEADERS, type Evidence, type EvidenceHeader } from "../domain/result.js";
import type { HttpResponse } from "../platform/http.js";

const SESSION_ID = /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** A short, secret-free excerpt of a body: HTML reduced to its title or text, tokens masked. */
export function excerpt(body: string, max = 200): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]+>/g, " "))
    .replace(SESSION_ID, "<session id>")
    .replace(JWT, "<jwt>")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The headers worth keeping as evidence (EVIDENCE_HEADERS: who answered, deprecation warnings,
 * retry hints), masked and capped. Cookies and authorization headers are never among them.
 */
export function keptHeaders(headers: IncomingHttpHeaders): Partial<Record<EvidenceHeader, string>> {
  const kept: Partial<Record<EvidenceHeader, string>> = {};
  for (const name of EVIDENCE_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined && value !== "") kept[name] = excerpt(value, 120);
  }
  return kept;
}

/** Evidence common to every HTTP answer: status, content type and the kept headers. */
export function baseEvidence(res: HttpResponse): Evidence {
  const evidence: Evidence = { kind: "http", httpStatus: res.status };
  const type = header(res.headers, "content-type");
  if (type !== undefined) evidence.contentType = type;
  const kept = keptHeaders(res.headers);
  if (Object.keys(kept).length > 0) evidence.headers = kept;
  return evidence;
}

/** Evidence for a redirect (host and path only: a query string may carry anything). */
export function redirectEvidence(res: HttpResponse): Evidence | null {
  if (res.status < 300 || res.status >= 400) return null;
  const location = header(res.headers, "location") ?? "";
  let where: string;
  try {
    const url = new URL(location, "http://unknown.invalid");
    where = `${url.host}${url.pathname}`;
  } catch {
    where = "(unparsable Location)";
  }
  return { ...baseEvidence(res), redirectTo: where };
}

/** Parses JSON without throwing. */
export function tryJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** Evidence for an unusable body: what it looked like, never what it said about secrets. */
export function opaqueEvidence(res: HttpResponse, detail?: string): Evidence {
  const evidence: Evidence = { ...baseEvidence(res), bodyExcerpt: excerpt(res.body) };
  if (detail !== undefined) evidence.detail = detail;
  else if (res.truncated) evidence.detail = "response body cut at the size cap";
  return evidence;
}

/**
 * Evidence for a REST or Bulk error: the first `[{"message","errorCode"}]` element, or a Bulk 1.0
 * `<error><exceptionCode>…` body (api-checks.md §2).
 */
export function restErrorEvidence(res: HttpResponse): Evidence {
  const bulkCode = /<exceptionCode>([^<]*)<\/exceptionCode>/.exec(res.body)?.[1];
  if (bulkCode !== undefined) {
    const evidence: Evidence = { ...baseEvidence(res), errorCode: bulkCode };
    const text = /<exceptionMessage>([^<]*)<\/exceptionMessage>/.exec(res.body)?.[1];
    if (text !== undefined) evidence.message = excerpt(text);
    return evidence;
  }
  const parsed = tryJson(res.body);
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first && typeof first === "object") {
    const { errorCode, message } = first as { errorCode?: unknown; message?: unknown };
    if (typeof errorCode === "string") {
      const evidence: Evidence = { ...baseEvidence(res), errorCode };
      if (typeof message === "string") evidence.message = excerpt(message);
      return evidence;
    }
  }
  return opaqueEvidence(res);
}

/** Evidence for a SOAP fault: the faultcode without its namespace prefix, and the faultstring. */
export function soapFaultEvidence(res: HttpResponse): Evidence {
  const code = /<faultcode>([^<]*)<\/faultcode>/.exec(res.body)?.[1];
  if (code === undefined) return opaqueEvidence(res);
  const evidence: Evidence = { ...baseEvidence(res), errorCode: code.replace(/^.*:/, "") };
  const text = /<faultstring>([^<]*)<\/faultstring>/.exec(res.body)?.[1];
  if (text !== undefined) evidence.message = excerpt(text);
  return evidence;
}

/** Whether an access token is JWT-format (three parts, the first a JSON header) or opaque. */
export function tokenFormat(token: string): "opaque" | "jwt" {
  const parts = token.split(".");
  if (parts.length !== 3) return "opaque";
  try {
    const head = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString("utf8")) as unknown;
    return head && typeof head === "object" ? "jwt" : "opaque";
  } catch {
    return "opaque";
  }
}

/** Reads `Sforce-Limit-Info: api-usage=USED/MAX`. */
export function limitInfo(headers: IncomingHttpHeaders): { used: number; max: number } | null {
  const value = header(headers, "sforce-limit-info");
  const match = value ? /api-usage=(\d+)\/(\d+)/.exec(value) : null;
  return match ? { used: Number(match[1]), max: Number(match[2]) } : null;
}
