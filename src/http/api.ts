import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  decodeCursor,
  type FleetSummary,
  type OrgPage,
  type OrgQuery,
} from "../monitor/fleet-query.js";
import { wordsOf } from "../monitor/fleet-index.js";
import type { OrgDetail } from "../monitor/org-detail.js";
import type { CheckNowOutcome } from "../monitor/views.js";
import { systemClock } from "../platform/clock.js";
import { registerAuth } from "./api-auth.js";
import { registerSilenceRoutes, type SilenceApi } from "./api-silences.js";
import {
  checkQueuedSchema,
  errorSchema,
  orgDetailSchema,
  orgIdParamsSchema,
  orgPageSchema,
  orgQuerySchema,
  summarySchema,
} from "./api-types.js";
import { collectOpenApi } from "./openapi.js";

/** What the API needs from the running monitor. */
export interface ApiMonitor {
  /** The org's status with its recent passes, incidents and fix, or null for an unknown org. */
  org(orgId: string): OrgDetail | null;
  /** One page of orgs (the cursor already checked). */
  orgs(query: OrgQuery): OrgPage;
  /** Exact counts by state and cause. */
  summary(): FleetSummary;
  /** Asks for a check as soon as a slot allows, unless it runs or the login budget is spent. */
  checkNow(orgId: string): CheckNowOutcome;
  silences: SilenceApi;
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

const notFound = (id: string): { error: string } => ({ error: `no org "${id}" in the config` });

/** The field a validation error is about: `state`, `match.causes`, `limit`. */
function fieldOf(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return "request";
  const params = v.params as { missingProperty?: string; additionalProperty?: string };
  const path = v.instancePath.replace(/^\//, "").replace(/\//g, ".");
  const leaf = params.missingProperty ?? params.additionalProperty;
  return [path, leaf].filter((p) => p !== undefined && p !== "").join(".") || "request";
}

/** 400 with one line naming the field; other errors keep fastify's own answer. */
async function apiErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  if (err.validation) {
    const field = fieldOf(err);
    const v = err.validation[0];
    const allowed = (v?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
    const why = `${v?.message ?? "is invalid"}${allowed ? `: ${allowed.join(", ")}` : ""}`;
    return reply.code(400).send({ error: `${field}: ${why}`, field });
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) throw err;
  return reply.code(status).send({ error: err.message });
}

/**
 * Fastify's validator drops unknown properties silently (removeAdditional), so `?stat=unhealthy`
 * would list every org: this rejects a query field the route does not know, naming it.
 */
function knownQueryOnly(schema: { properties: object }) {
  const known = new Set(Object.keys(schema.properties));
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const unknown = Object.keys(req.query as object).find((k) => !known.has(k));
    if (unknown === undefined) return;
    await reply.code(400).send({
      error: `${unknown}: not a filter of this route; use ${[...known].join(", ")}`,
      field: unknown,
    });
  };
}

/** Registers `/api/v1`: orgs, one org, summary, check now, silences, and the OpenAPI document. */
export function registerApi(app: FastifyInstance, options: ApiOptions): void {
  const { monitor, apiToken } = options;
  registerAuth(app, {
    apiToken,
    shareSecret: options.shareSecret ?? null,
    now: options.now ?? (() => systemClock.now()),
  });
  const openapi = collectOpenApi(app);
  // Its own plugin scope, so the 400 wording applies to the API's routes and no one else's.
  void app.register((api, _opts, done) => {
    api.setErrorHandler(apiErrors);
    registerOrgRoutes(api, monitor);
    registerSilenceRoutes(api, monitor.silences);
    api.get(
      "/api/v1/openapi.json",
      { schema: { summary: "This document (OpenAPI 3.1)" } },
      (_req, reply) => reply.send(openapi()),
    );
    done();
  });
}

function registerOrgRoutes(app: FastifyInstance, monitor: ApiMonitor): void {
  app.get<{ Querystring: OrgQuery }>(
    "/api/v1/orgs",
    {
      schema: {
        summary: "List orgs in id order; filters combine (AND); follow nextCursor for more",
        querystring: orgQuerySchema,
        response: { 200: orgPageSchema, 400: errorSchema },
      },
      preValidation: knownQueryOnly(orgQuerySchema),
    },
    async (req, reply) => {
      const q = req.query;
      if (q.cursor !== undefined && decodeCursor(q.cursor) === null) {
        return reply
          .code(400)
          .send({ error: "cursor: not a cursor from this API", field: "cursor" });
      }
      // Text made only of separators has no word to look up; it would list every org.
      if (q.text !== undefined && wordsOf(q.text).length === 0) {
        const error = "text: give a word of an org's id or name (letters or digits)";
        return reply.code(400).send({ error, field: "text" });
      }
      return monitor.orgs(q);
    },
  );
  app.get(
    "/api/v1/summary",
    { schema: { summary: "Fleet counts by state and by cause", response: { 200: summarySchema } } },
    (_req, reply) => reply.send(monitor.summary()),
  );
  app.get<{ Params: { id: string } }>(
    "/api/v1/orgs/:id",
    {
      schema: {
        summary: "One org: state, recent checks, incidents and the fix steps of its cause",
        params: orgIdParamsSchema,
        response: { 200: orgDetailSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const detail = monitor.org(req.params.id);
      if (!detail) return reply.code(404).send(notFound(req.params.id));
      return reply.send(detail);
    },
  );
  app.post<{ Params: { id: string } }>(
    "/api/v1/orgs/:id/check",
    {
      schema: {
        summary: "Check the org now (within its user's login budget)",
        params: orgIdParamsSchema,
        response: {
          202: checkQueuedSchema,
          400: errorSchema,
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
