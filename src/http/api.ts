import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CheckNowOutcome, OrgStatus } from "../monitor/views.js";
import { systemClock } from "../platform/clock.js";
import { decideAccess, rememberAccess, type Access } from "./access.js";
import { sendLogin, sendRefusal } from "./page-login.js";
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
  /** Signs share links (`server.shareSecret`); absent or null: share links are off. */
  shareSecret?: string | null;
  /** The clock for login cookies and share links (default: the system clock). */
  now?: () => number;
}

/** Answers what the access decision refused: JSON for the API, a page for the status page. */
async function refuse(req: FastifyRequest, reply: FastifyReply, access: Access): Promise<void> {
  if (access.kind === "login") await sendLogin(reply, req.url);
  if (access.kind !== "denied") return;
  if (req.url.startsWith("/api/")) await reply.code(access.status).send({ error: access.error });
  else await sendRefusal(reply, access.status, access.error);
}

const notFound = (id: string): { error: string } => ({ error: `no org "${id}" in the config` });

/**
 * Registers `/api/v1`: read an org's status, force a check now. Auth is one hook for every
 * route, the status page's included (`decideAccess`): bearer token, the page's login cookie,
 * loopback when no token is set, or a share link for its own org's page and check-now.
 */
export function registerApi(app: FastifyInstance, options: ApiOptions): void {
  const { monitor } = options;
  const rules = {
    apiToken: options.apiToken,
    shareSecret: options.shareSecret ?? null,
    now: options.now ?? (() => systemClock.now()),
  };
  app.addHook("onRequest", async (req, reply) => {
    const access = decideAccess(req, rules);
    rememberAccess(req, access);
    await refuse(req, reply, access);
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
