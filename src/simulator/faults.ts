import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Fault, FaultEndpoint } from "./spec.js";
import { orgNow, type SimOrg, type SimState } from "./state.js";
import {
  CDN_503_HTML,
  JSON_TYPE,
  MAINTENANCE_HTML,
  PROXY_DENIED_HTML,
  REST_ERRORS,
} from "./wire.js";

/** Where an `unresolvable_instance` fault points instance_url: a name no DNS has yet (D.7). */
export const UNREPLICATED_DOMAIN = "unreplicated.my.salesforce.com";

/** The login page a `redirect_login` fault sends clients to (served at `/`). */
export const LOGIN_PAGE_HTML =
  "<!DOCTYPE html><html><head><title>Login | Salesforce</title></head>" +
  '<body><form method="post" action="/"><input name="username"><input name="pw" type="password">' +
  "</form></body></html>";

/** The fault in force for an endpoint: the org's own, else the global one. */
export function activeFault(
  state: SimState,
  org: SimOrg | null,
  endpoint: FaultEndpoint,
): Fault | null {
  const fault =
    org?.faults[endpoint] ??
    org?.faults.all ??
    state.globalFaults[endpoint] ??
    state.globalFaults.all;
  return fault && fault.kind !== "none" ? fault : null;
}

/**
 * The simulator's own URL as the client addressed it (Host header); https when a TLS terminator
 * in front of it says so (`X-Forwarded-Proto: https`), as Salesforce is only ever reached.
 */
export function baseUrlOf(request: FastifyRequest): string {
  const scheme = request.headers["x-forwarded-proto"] === "https" ? "https" : "http";
  return `${scheme}://${request.headers.host ?? `127.0.0.1`}`;
}

/**
 * Applies the fault switched on for this org and endpoint. Returns true when the fault answered
 * (or deliberately never will); false when the normal handler should go on (no fault, or `slow`).
 */
export async function applyFault(
  state: SimState,
  org: SimOrg | null,
  endpoint: FaultEndpoint,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const fault = activeFault(state, org, endpoint);
  if (!fault) return false;
  const base = baseUrlOf(request);
  switch (fault.kind) {
    case "slow":
      await sleep(fault.delayMs ?? 5000);
      return false;
    case "hang":
      // never answer: the socket stays open until the client gives up or the server closes
      reply.hijack();
      return true;
    case "reset":
      reply.hijack();
      request.raw.socket.destroy();
      return true;
    case "html503":
      await reply.code(503).type("text/html;charset=UTF-8").send(MAINTENANCE_HTML);
      return true;
    case "proxy403":
      // an egress proxy answers, not Salesforce: its own Server header, no X-SFDC-Request-Id
      await reply
        .code(403)
        .header("server", "squid")
        .header("x-squid-error", "ERR_ACCESS_DENIED 0")
        .type("text/html;charset=UTF-8")
        .send(PROXY_DENIED_HTML);
      return true;
    case "cdn503":
      await reply
        .code(503)
        .header("server", "AkamaiNetStorage")
        .type("text/html;charset=UTF-8")
        .send(CDN_503_HTML);
      return true;
    case "busy503":
      await reply
        .code(503)
        .type(JSON_TYPE)
        .send(JSON.stringify([REST_ERRORS.server_unavailable]));
      return true;
    case "unresolvable_instance":
      // the token route rewrites instance_url; every other endpoint answers normally
      return false;
    case "truncated":
      await reply.code(200).type(JSON_TYPE).send('{"access_token":"00D","instance_url":"http://');
      return true;
    case "nonjson":
      await reply.code(200).type("text/html;charset=UTF-8").send("<html><body>OK</body></html>");
      return true;
    case "redirect_login":
      await reply
        .code(302)
        .header("location", `${base}/?ec=302&startURL=${encodeURIComponent(request.url)}`)
        .send();
      return true;
    default:
      await reply
        .code(200)
        .type(JSON_TYPE)
        .send(noAccessTokenBody(state, org, base));
      return true;
  }
}

function noAccessTokenBody(state: SimState, org: SimOrg | null, base: string): string {
  const orgId = org?.orgId ?? "";
  const userId = org?.users[0]?.userId ?? "";
  const issued = String(org ? orgNow(state, org) : state.clock.now());
  return JSON.stringify({
    scope: "api",
    instance_url: base,
    id: `${base}/id/${orgId}/${userId}`,
    token_type: "Bearer",
    issued_at: issued,
  });
}
