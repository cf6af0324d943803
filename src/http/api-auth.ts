import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decideAccess, rememberAccess, type Access, type AccessOptions } from "./access.js";
import { sendLogin, sendRefusal } from "./page-login.js";

export type { RouteAuth } from "./access.js";

/** Whether `given` is the token, compared in constant time (the lengths leak, nothing else). */
export function tokenMatches(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Answers what the access decision refused: JSON for the API, a page for the status page. */
async function refuse(req: FastifyRequest, reply: FastifyReply, access: Access): Promise<void> {
  if (access.kind === "login") await sendLogin(reply, req.url);
  if (access.kind !== "denied") return;
  if (/^\/(orgs\/|share\/|$)/.test(req.url.split("?", 1)[0] ?? "")) {
    await sendRefusal(reply, access.status, access.error);
  } else {
    await reply.code(access.status).send({ error: access.error });
  }
}

/**
 * The one auth hook of the server (`decideAccess`). With `server.apiToken`, every route but
 * /healthz and /readyz (and routes marked `auth: "own"`) needs `Authorization: Bearer`, /metrics
 * included (Prometheus sends it with `authorization: { credentials }`); the API and the status
 * page also take the page's signed login cookie, and a share link opens its own org's page and
 * check-now. The token is never echoed or logged. Without a token, /api/, /-/ and the status
 * page answer loopback callers only (share links from anywhere).
 */
export function registerAuth(app: FastifyInstance, rules: AccessOptions): void {
  app.addHook("onRequest", async (req, reply) => {
    const access = decideAccess(req, rules);
    rememberAccess(req, access);
    await refuse(req, reply, access);
  });
}
