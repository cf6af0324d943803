const nullableString = { type: ["string", "null"] } as const;

/** JSON schema of an error answer. */
export const errorSchema = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "string" } },
} as const;

/** JSON schema of OrgStatus (fastify serialises with it, so no stray field leaves the server). */
export const orgStatusSchema = {
  type: "object",
  required: [
    "id",
    "name",
    "tags",
    "state",
    "cause",
    "since",
    "lastCheckAt",
    "lastHealthyAt",
    "lastTokenSuccessAt",
    "nextCheckAt",
    "backoffLevel",
    "incident",
  ],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
    state: { type: "string", enum: ["unknown", "healthy", "unhealthy"] },
    cause: nullableString,
    since: nullableString,
    lastCheckAt: nullableString,
    lastHealthyAt: nullableString,
    lastTokenSuccessAt: nullableString,
    nextCheckAt: nullableString,
    backoffLevel: { type: "integer" },
    incident: {
      type: ["object", "null"],
      required: ["id", "cause", "openedAt", "closedAt", "causes"],
      properties: {
        id: { type: "string" },
        cause: { type: "string" },
        openedAt: { type: "string" },
        closedAt: nullableString,
        causes: {
          type: "array",
          items: {
            type: "object",
            required: ["cause", "at"],
            properties: { cause: { type: "string" }, at: { type: "string" } },
          },
        },
      },
    },
  },
} as const;

/** JSON schema of the `{id}` path parameter. */
export const orgIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[a-z0-9_-]{1,64}$" } },
} as const;
