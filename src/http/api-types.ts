import { CAUSE_IDS, OWNER_IDS } from "../domain/causes.js";
import { MAX_PAGE } from "../monitor/fleet-query.js";

const nullableString = { type: ["string", "null"] } as const;
const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const bool = { type: "boolean" } as const;
const stateEnum = { type: "string", enum: ["unknown", "healthy", "unhealthy"] } as const;
const causeEnum = { type: "string", enum: [...CAUSE_IDS] } as const;
const nullableCause = { type: ["string", "null"], enum: [...CAUSE_IDS, null] } as const;
/** An array schema of `items`. */
export const arrayOf = <T>(items: T) => ({ type: "array", items }) as const;
/** An object schema with these required fields and properties. */
export const objectOf = <R extends readonly string[], P>(required: R, properties: P) =>
  ({ type: "object", required, properties }) as const;
const strings = arrayOf(str);

/** An org id as the config allows it. */
export const ORG_ID_PATTERN = "^[a-z0-9_-]{1,64}$";

/** JSON schema of an error answer: one line, and the field at fault for a 400. */
export const errorSchema = objectOf(["error"], { error: str, field: str });

const incidentSchema = {
  type: "object",
  required: ["id", "cause", "openedAt", "closedAt", "causes"],
  properties: {
    id: str,
    cause: causeEnum,
    openedAt: str,
    closedAt: nullableString,
    causes: arrayOf(objectOf(["cause", "at"], { cause: causeEnum, at: str })),
  },
} as const;

const statusProperties = {
  id: str,
  name: str,
  tags: strings,
  state: stateEnum,
  cause: nullableCause,
  since: nullableString,
  lastCheckAt: nullableString,
  lastHealthyAt: nullableString,
  lastTokenSuccessAt: nullableString,
  nextCheckAt: nullableString,
  backoffLevel: int,
  incident: { anyOf: [incidentSchema, { type: "null" }] },
} as const;

/** JSON schema of OrgStatus (fastify serialises with it, so no stray field leaves the server). */
export const orgStatusSchema = {
  type: "object",
  required: Object.keys(statusProperties),
  properties: statusProperties,
} as const;

const checkSchema = {
  type: "object",
  required: ["checkId", "startedAt", "finishedAt", "healthy", "cause", "stage", "stages"],
  properties: {
    checkId: str,
    startedAt: str,
    finishedAt: str,
    healthy: bool,
    cause: nullableCause,
    stage: nullableString,
    transient: bool,
    summary: nullableString,
    stages: arrayOf(
      objectOf(["stage", "ok", "skipped"], {
        stage: str,
        ok: bool,
        skipped: bool,
        skipReason: nullableString,
        durationMs: { type: "number" },
        httpStatus: { type: ["integer", "null"] },
        errorCode: nullableString,
      }),
    ),
  },
} as const;

const fixSchema = {
  type: "object",
  required: ["cause", "owner", "steps"],
  properties: {
    cause: causeEnum,
    owner: { type: "string", enum: [...OWNER_IDS] },
    severity: nullableString,
    transient: bool,
    summary: nullableString,
    steps: arrayOf(
      objectOf(["text", "links"], {
        text: str,
        links: arrayOf(objectOf(["label", "url"], { label: str, url: str })),
      }),
    ),
  },
} as const;

/** JSON schema of OrgDetail: the status, recent passes, incidents and the current fix. */
export const orgDetailSchema = {
  type: "object",
  required: [...Object.keys(statusProperties), "recentChecks", "incidents", "fix"],
  properties: {
    ...statusProperties,
    recentChecks: arrayOf(checkSchema),
    incidents: arrayOf(incidentSchema),
    fix: { anyOf: [fixSchema, { type: "null" }] },
  },
} as const;

const SUMMARY_FIELDS = [
  "id",
  "name",
  "tags",
  "state",
  "cause",
  "since",
  "lastCheckAt",
  "nextCheckAt",
] as const satisfies readonly (keyof typeof statusProperties)[];

// A list row is the status cut to these fields, in this order (the serialiser keeps it).
const summaryItem = objectOf(
  SUMMARY_FIELDS,
  Object.fromEntries(SUMMARY_FIELDS.map((f) => [f, statusProperties[f]])),
);

/** JSON schema of one page of orgs. */
export const orgPageSchema = {
  type: "object",
  required: ["items", "nextCursor", "total"],
  properties: {
    items: arrayOf(summaryItem),
    nextCursor: nullableString,
    total: int,
  },
} as const;

/** JSON schema of the list filters (every one optional; all given must hold). */
export const orgQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    state: stateEnum,
    cause: causeEnum,
    tag: { type: "string", minLength: 1, maxLength: 100 },
    text: { type: "string", minLength: 1, maxLength: 200 },
    cursor: { type: "string", minLength: 1, maxLength: 200 },
    limit: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: 50 },
  },
} as const;

/** JSON schema of the fleet summary. */
export const summarySchema = {
  type: "object",
  required: ["total", "byState", "byCause"],
  properties: {
    total: int,
    byState: objectOf(["unknown", "healthy", "unhealthy"], {
      unknown: int,
      healthy: int,
      unhealthy: int,
    }),
    byCause: arrayOf(objectOf(["cause", "count"], { cause: causeEnum, count: int })),
  },
} as const;

/** JSON schema of the `{id}` path parameter. */
export const orgIdParamsSchema = objectOf(["id"], {
  id: { type: "string", pattern: ORG_ID_PATTERN },
});

/** JSON schema of the check-now answer. */
export const checkQueuedSchema = objectOf(["org", "queued"], { org: str, queued: bool });
