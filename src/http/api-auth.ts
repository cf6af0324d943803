import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Paths every caller may read: probes of liveness and readiness. */
const PUBLIC = new Set(["/healthz", "/readyz"]);
/** Without a token, these answer loopback callers only (the API and the admin actions). */
const LOOPBACK_ONLY = /^\/(api|-)\//;
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * How a route is authenticated, in its fastify `config.auth`: `"own"` for a route that proves
 * its caller itself (a Slack signature, a signed share link); anything else is the API's rule.
 */
export type RouteAuth = "api" | "own";

/** Whether `given` is the token, compared in constant time (the lengths leak, nothing else). */
export function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: FastifyRequest): string {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
}

function allowed(req: FastifyRequest, apiToken: string | null): boolean {
  const path = req.url.split("?", 1)[0] ?? "";
  if (PUBLIC.has(path)) return true;
  if ((req.routeOptions.config as { auth?: RouteAuth }).auth === "own") return true;
  if (apiToken !== null) return tokenMatches(bearer(req), apiToken);
  return !LOOPBACK_ONLY.test(path) || LOOPBACK.has(req.socket.remoteAddress ?? "");
}

function deny(reply: FastifyReply, apiToken: string | null): FastifyReply {
  return reply.code(apiToken === null ? 403 : 401).send({
    error:
      apiToken === null
        ? "the API answers loopback callers only; set server.apiToken to use it remotely"
        : "missing or wrong bearer token (server.apiToken)",
  });
}

/**
 * The one auth hook of the server. With `server.apiToken`, every route but /healthz and
 * /readyz (and routes marked `auth: "own"`) needs `Authorization: Bearer`, /metrics included
 * (Prometheus sends it with `authorization: { credentials }`); the token is never echoed or
 * logged. Without a token, /api/ and /-/ answer loopback callers only.
 */
export function registerAuth(app: FastifyInstance, apiToken: string | null): void {
  app.addHook("onRequest", async (req, reply) => {
    if (!allowed(req, apiToken)) await deny(reply, apiToken);
  });
}
