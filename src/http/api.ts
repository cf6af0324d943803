import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CheckNowOutcome, OrgStatus } from "../monitor/views.js";
import { errorSchema, orgIdParamsSchema, orgStatusSchema } from "./api-types.js";

/** What the API needs from the running monitor. */
export interface ApiMonitor {
  /** The org's status, or null for an org not in the config. */
  org(orgId: string): OrgStatus | null;
  /** Asks for a check as soon as a slot allows, unless it runs or the login budget is spent. */
  checkNow(orgId: string): CheckNowOutcome;
}

/** Options of the API routes. */
export interface ApiOptions {
  monitor: ApiMonitor;
  /** Bearer token; when absent the API answers only loopback callers. */
  apiToken: string | null;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function allowed(req: FastifyRequest, apiToken: string | null): boolean {
  if (apiToken === null) return LOOPBACK.has(req.socket.remoteAddress ?? "");
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

const notFound = (id: string): { error: string } => ({ error: `no org "${id}" in the config` });

/** Registers `/api/v1`: read an org's status, force a check now. Auth is one hook for all. */
export function registerApi(app: FastifyInstance, options: ApiOptions): void {
  const { monitor, apiToken } = options;
  app.addHook("onRequest", async (req, reply) => {
    // `/-/` (reload) is an admin route: the same auth as the API.
    const guarded = req.url.startsWith("/api/") || req.url.startsWith("/-/");
    if (guarded && !allowed(req, apiToken)) await deny(reply, apiToken);
  });
  app.get<{ Params: { id: string } }>(
    "/api/v1/orgs/:id",
    {
      schema: {
        params: orgIdParamsSchema,
        response: { 200: orgStatusSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const status = monitor.org(req.params.id);
      if (!status) return reply.code(404).send(notFound(req.params.id));
      return reply.send(status);
    },
  );
  app.post<{ Params: { id: string } }>(
    "/api/v1/orgs/:id/check",
    {
      schema: {
        params: orgIdParamsSchema,
        response: {
          202: {
            type: "object",
            required: ["org", "queued"],
            properties: { org: { type: "string" }, queued: { type: "boolean" } },
          },
          404: errorSchema,
          409: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      const outcome = monitor.checkNow(id);
      switch (outcome.kind) {
        case "unknown":
          return reply.code(404).send(notFound(id));
        case "running":
          return reply.code(409).send({ error: `a check of ${id} is already running` });
        case "budget":
          return reply
            .code(429)
            .header("retry-after", String(outcome.retryAfterSeconds))
            .send({ error: `the login budget of ${id}'s user is spent until ${outcome.retryAt}` });
        case "queued":
          return reply.code(202).send({ org: id, queued: true });
      }
    },
  );
}
