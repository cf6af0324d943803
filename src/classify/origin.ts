import type { Evidence } from "../domain/index.js";

/**
 * Whether an answer carries the marks every Salesforce response has (errors.md D.6):
 * `Server: sfdcedge` or an `X-SFDC-Request-Id` header.
 */
export function fromSalesforce(ev: Evidence): boolean {
  const h = ev.headers ?? {};
  return /sfdcedge/i.test(h.server ?? "") || (h["x-sfdc-request-id"] ?? "") !== "";
}

/**
 * Whether an answer is an egress proxy refusing the request (errors.md D.6): HTTP 403 or 407,
 * no Salesforce error structure and none of Salesforce's marks (e.g. `Server: squid`).
 */
export function fromProxy(ev: Evidence): boolean {
  if (ev.kind !== "http" || (ev.httpStatus !== 403 && ev.httpStatus !== 407)) return false;
  if (ev.error !== undefined || ev.errorCode !== undefined) return false;
  return !fromSalesforce(ev);
}

/** Whether an answer is a CDN partner's error page rather than Salesforce's own (D.6). */
export function fromCdn(ev: Evidence): boolean {
  return (
    /akamai/i.test(ev.headers?.server ?? "") || /Salesforce CDN partner/i.test(ev.bodyExcerpt ?? "")
  );
}
