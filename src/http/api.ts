import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { OrgState } from "../store/types.js";

/** What the API needs from the running monitor. */
export interface ApiMonitor {
  /** The org's current state, or null for an org not in the config. */
  orgState(orgId: string): OrgState | null;
  /** Asks for a check as soon as a slot (and the login budget) allows; false for unknown orgs. */
  checkNow(orgId: string): boolean;
}

/** Options of the API routes. */
export interface ApiOptions {
  monitor: ApiMonitor;
  /** Bearer token; when absent the API answers only loopback callers. */
  apiToken: string | null;
}

function allowed(req: FastifyRequest, apiToken: string | null): boolean {
  if (apiToken === null) {
    const ip = req.socket.remoteAddress ?? "";
    return ip === "127.0.0.1" || ip === "::1" || ip === "::ffff:127.0.0.1";
  }
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(apiToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function deny(reply: FastifyReply, apiToken: string | null): FastifyReply {
  return reply.code(apiToken === null ? 403 : 401).send({
    error:
      apiToken === null
        ? "the API answers loopback callers only; set server.apiToken to use it remotely"
        : "missing or wrong bearer token (server.apiToken)",
  });
}

/** Registers `/api/v1`: read an org's state, force a check now. */
export function registerApi(app: FastifyInstance, options: ApiOptions): void {
  const { monitor, apiToken } = options;
  app.get<{ Params: { id: string } }>("/api/v1/orgs/:id", async (req, reply) => {
    if (!allowed(req, apiToken)) return deny(reply, apiToken);
    const state = monitor.orgState(req.params.id);
    if (!state) return reply.code(404).send({ error: `no org "${req.params.id}" in the config` });
    return reply.send(state);
  });
  app.post<{ Params: { id: string } }>("/api/v1/orgs/:id/check", async (req, reply) => {
    if (!allowed(req, apiToken)) return deny(reply, apiToken);
    if (!monitor.checkNow(req.params.id)) {
      return reply.code(404).send({ error: `no org "${req.params.id}" in the config` });
    }
    return reply.code(202).send({ org: req.params.id, queued: true });
  });
}
