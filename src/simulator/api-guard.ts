import type { FastifyReply, FastifyRequest } from "fastify";
import { orgsByHost } from "./lookup.js";
import { applyFault, baseUrlOf } from "./faults.js";
import { parseVersion } from "./ids.js";
import { lookupSession } from "./sessions.js";
import type { FaultEndpoint } from "./spec.js";
import type { Session, SimOrg, SimState, SimUser } from "./state.js";
import { JSON_TYPE, NOT_FOUND_BODY, REST_ERRORS, type RestError } from "./wire.js";

/** Who a guarded API request runs as. */
export interface ApiCaller {
  org: SimOrg;
  user: SimUser;
  session: Session;
}

/** What a route needs checked before it answers. */
export interface GuardOptions {
  endpoint: FaultEndpoint;
  /** The `vXX.X` path segment, checked against the org's version range. */
  version?: string;
  /** Whether the call counts against DailyApiRequests. */
  counted: boolean;
  /** Whether the API needs the `api` scope and API Enabled (identity does not). */
  api: boolean;
}

/** Sends a REST JSON answer with the headers Salesforce sets. */
export async function sendRest(reply: FastifyReply, status: number, body: string): Promise<void> {
  await reply
    .code(status)
    .header("cache-control", "no-cache,must-revalidate,max-age=0,no-store,private")
    .type(JSON_TYPE)
    .send(body);
}

/** Sends a REST error array with one element. */
export function sendRestError(
  reply: FastifyReply,
  status: number,
  error: RestError,
): Promise<void> {
  return sendRest(reply, status, JSON.stringify([error]));
}

/**
 * What a `vXX.X` segment is for this org (errors.md D.11): served, served but deprecated (a
 * `Warning` header), retired (below minApiVersion), or unknown (too new, or not a version).
 */
export function versionState(
  org: SimOrg,
  segment: string,
): "served" | "deprecated" | "retired" | "unknown" {
  const v = parseVersion(segment);
  if (v === null || v > Number(org.maxApiVersion)) return "unknown";
  if (v < Number(org.minApiVersion)) return "retired";
  return v < Number(org.deprecatedBelow) ? "deprecated" : "served";
}

/**
 * The `Warning` header on answers for a deprecated version. The reference says such answers
 * carry one (KB 005321531) but quotes no value: this wording is the simulator's own.
 */
export function deprecationWarning(segment: string): string {
  return `299 - "API version ${segment.replace(/^v/, "")} is deprecated and will be retired"`;
}

/** Whether a JWT-format session may call this endpoint (errors.md D.9). */
function jwtAccepted(org: SimOrg, endpoint: FaultEndpoint): boolean {
  return org.jwtAcceptedBy.includes(endpoint === "bulk" ? "bulk" : "rest");
}

/** What the Authorization header holds. */
export type Bearer = { kind: "none" } | { kind: "malformed" } | { kind: "token"; token: string };

/** Reads `Authorization: Bearer <token>` (or `OAuth <token>`). */
export function bearerOf(header: string | undefined): Bearer {
  if (header === undefined) return { kind: "none" };
  const token = /^(?:Bearer|OAuth) +(\S+)$/i.exec(header.trim())?.[1];
  return token === undefined ? { kind: "malformed" } : { kind: "token", token };
}

/** The org a request's Host header names, if it is one of the orgs' My Domains. */
export function orgByHost(state: SimState, request: FastifyRequest): SimOrg | null {
  const hostname = new URL(baseUrlOf(request)).hostname;
  return orgsByHost(state, hostname)[0] ?? null;
}

/**
 * Runs the checks Salesforce runs before an API call: faults, Authorization header, session,
 * token format, scope, version, API Enabled and the daily limit (counting the call). Sends the
 * error itself and returns null when the call is refused.
 */
export async function guardApi(
  state: SimState,
  request: FastifyRequest,
  reply: FastifyReply,
  options: GuardOptions,
): Promise<ApiCaller | null> {
  const bearer = bearerOf(request.headers.authorization);
  const found = bearer.kind === "token" ? lookupSession(state, bearer.token) : null;
  const org = found?.org ?? orgByHost(state, request);
  if (await applyFault(state, org, options.endpoint, request, reply)) return null;
  if (bearer.kind === "malformed") return refuse(reply, 401, REST_ERRORS.auth_header_invalid);
  if (!found?.ok) return refuse(reply, 401, REST_ERRORS.session_invalid);
  const caller: ApiCaller = { org: found.org, user: found.user, session: found.session };
  reply.header("sforce-limit-info", `api-usage=${caller.org.apiUsed}/${caller.org.apiMax}`);
  if (caller.session.jwt && !jwtAccepted(caller.org, options.endpoint))
    return refuse(reply, 401, REST_ERRORS.jwt_format);
  if (options.api && !caller.session.scopes.includes("api")) {
    return refuse(reply, 401, REST_ERRORS.session_not_valid_for_api);
  }
  if (options.version !== undefined) {
    const state = versionState(caller.org, options.version);
    if (state === "unknown") {
      await sendRest(reply, 404, NOT_FOUND_BODY);
      return null;
    }
    if (state === "retired") return refuse(reply, 410, REST_ERRORS.retired_version);
    if (state === "deprecated") reply.header("warning", deprecationWarning(options.version));
  }
  if (options.api && !caller.org.apiEnabled) return refuse(reply, 403, REST_ERRORS.api_disabled);
  if (options.api && !caller.user.apiEnabled) {
    return refuse(reply, 403, REST_ERRORS.api_currently_disabled);
  }
  if (options.counted && !countApiCall(caller.org)) {
    return refuse(reply, 403, REST_ERRORS.api_limit_exceeded);
  }
  reply.header("sforce-limit-info", `api-usage=${caller.org.apiUsed}/${caller.org.apiMax}`);
  return caller;
}

/** Counts one API call against the org's allocation; false when the allocation is used up. */
export function countApiCall(org: SimOrg): boolean {
  if (org.apiUsed >= org.apiMax) return false;
  org.apiUsed += 1;
  org.apiCalls += 1;
  return true;
}

async function refuse(reply: FastifyReply, status: number, error: RestError): Promise<null> {
  await sendRestError(reply, status, error);
  return null;
}
