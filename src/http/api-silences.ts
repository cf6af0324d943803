import type { FastifyInstance } from "fastify";
import { CAUSE_IDS, OWNER_IDS } from "../domain/causes.js";
import {
  silenceStatus,
  type Silence,
  type SilenceMatch,
  type SilenceRequest,
  type SilenceStatus,
} from "../domain/silences.js";
import { parseDuration } from "../platform/duration.js";
import { arrayOf, errorSchema, objectOf } from "./api-types.js";

/** A silence as the API shows it (times in ISO, with its status now). */
export interface SilenceView {
  id: string;
  match: SilenceMatch;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  status: SilenceStatus;
}

/** What the silence routes need from the running monitor. */
export interface SilenceApi {
  /** Active, pending and recently ended silences, newest first. */
  silences(): SilenceView[];
  create(
    req: SilenceRequest,
  ): { ok: true; silence: SilenceView } | { ok: false; field: string; message: string };
  /** Ends a silence now; null when there is none with that id. */
  expire(id: string): SilenceView | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The API view of a stored silence at `nowMs`. */
export function silenceViewOf(s: Silence, nowMs: number): SilenceView {
  return {
    id: s.id,
    match: s.match,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: iso(s.createdAt),
    status: silenceStatus(s, nowMs),
  };
}

const strings = (items: object) => ({ type: "array", items, maxItems: 1000 }) as const;
const matchSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    orgs: strings({ type: "string", minLength: 1 }),
    tags: strings({ type: "string", minLength: 1 }),
    causes: strings({ type: "string", enum: [...CAUSE_IDS] }),
    owners: strings({ type: "string", enum: [...OWNER_IDS] }),
  },
} as const;
const ISO_TIME = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$";

/** JSON schema of a silence. */
export const silenceSchema = {
  type: "object",
  required: ["id", "match", "startsAt", "endsAt", "createdBy", "comment", "createdAt", "status"],
  properties: {
    id: { type: "string" },
    match: matchSchema,
    startsAt: { type: "string" },
    endsAt: { type: "string" },
    createdBy: { type: "string" },
    comment: { type: "string" },
    createdAt: { type: "string" },
    status: { type: "string", enum: ["pending", "active", "expired"] },
  },
} as const;

/** JSON schema of `POST /api/v1/silences`: give `endsAt` or `duration`. */
export const newSilenceSchema = {
  type: "object",
  additionalProperties: false,
  required: ["match", "createdBy", "comment"],
  properties: {
    match: matchSchema,
    startsAt: { type: "string", pattern: ISO_TIME },
    endsAt: { type: "string", pattern: ISO_TIME },
    duration: { type: "string", pattern: "^(\\d+(ms|s|m|h|d))+$" },
    createdBy: { type: "string", minLength: 1, maxLength: 200 },
    comment: { type: "string", minLength: 1, maxLength: 1000 },
  },
} as const;

interface NewSilenceBody {
  match: SilenceMatch;
  startsAt?: string;
  endsAt?: string;
  duration?: string;
  createdBy: string;
  comment: string;
}

function toNewSilence(body: NewSilenceBody): SilenceRequest | { field: string; message: string } {
  const out: SilenceRequest = {
    match: body.match,
    createdBy: body.createdBy,
    comment: body.comment,
  };
  for (const field of ["startsAt", "endsAt"] as const) {
    const text = body[field];
    if (text === undefined) continue;
    const ms = Date.parse(text);
    if (Number.isNaN(ms))
      return { field, message: "must be an ISO time, e.g. 2026-12-01T22:00:00Z" };
    out[field] = ms;
  }
  if (body.duration !== undefined) {
    const ms = parseDuration(body.duration);
    if (ms === null) return { field: "duration", message: "must be a duration, e.g. 1h or 30m" };
    out.durationMs = ms;
  }
  return out;
}

const silenceIdParams = objectOf(["id"], { id: { type: "string", minLength: 1, maxLength: 100 } });

/** Registers `/api/v1/silences`: create, list, expire (the alerting model's silences). */
export function registerSilenceRoutes(app: FastifyInstance, api: SilenceApi): void {
  app.get(
    "/api/v1/silences",
    {
      schema: {
        summary: "List active, pending and recently ended silences",
        response: {
          200: objectOf(["items"], { items: arrayOf(silenceSchema) }),
        },
      },
    },
    (_req, reply) => reply.send({ items: api.silences() }),
  );
  app.post<{ Body: NewSilenceBody }>(
    "/api/v1/silences",
    {
      schema: {
        summary: "Create a silence: alerts of what it matches are held back until it ends",
        body: newSilenceSchema,
        response: { 201: silenceSchema, 400: errorSchema },
      },
    },
    async (req, reply) => {
      const parsed = toNewSilence(req.body);
      if ("field" in parsed) return reply.code(400).send(badField(parsed));
      const created = api.create(parsed);
      if (!created.ok) return reply.code(400).send(badField(created));
      return reply.code(201).send(created.silence);
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/api/v1/silences/:id",
    {
      schema: {
        summary: "Expire a silence now (alerts it held go out on the next round)",
        params: silenceIdParams,
        response: { 200: silenceSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const expired = api.expire(req.params.id);
      if (!expired) return reply.code(404).send({ error: `no silence "${req.params.id}"` });
      return reply.send(expired);
    },
  );
}

function badField(p: { field: string; message: string }): { error: string; field: string } {
  return { error: `${p.field}: ${p.message}`, field: p.field };
}
