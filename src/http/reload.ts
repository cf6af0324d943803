import type { FastifyInstance } from "fastify";
import type { ReloadOutcome } from "../monitor/reload.js";

const idList = { type: "array", items: { type: "string" } } as const;

/**
 * Registers `POST /-/reload` (Prometheus's path): 200 with what changed, or 422 with the
 * field-level problems when the config is refused (the last good one keeps running). Its auth is
 * the API's: the one onRequest hook of `registerApi` covers `/-/`.
 */
export function registerReload(app: FastifyInstance, reload: () => ReloadOutcome): void {
  app.post(
    "/-/reload",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["status", "added", "changed", "removed", "restartNeeded"],
            properties: {
              status: { type: "string", enum: ["success"] },
              added: idList,
              changed: idList,
              removed: idList,
              restartNeeded: idList,
            },
          },
          422: {
            type: "object",
            required: ["status", "error", "problems"],
            properties: {
              status: { type: "string", enum: ["error"] },
              error: { type: "string" },
              problems: {
                type: "array",
                items: {
                  type: "object",
                  required: ["path", "message"],
                  properties: {
                    file: { type: "string" },
                    path: { type: "string" },
                    message: { type: "string" },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (_req, reply) => {
      const outcome = reload();
      if (outcome.ok) {
        const { added, changed, removed, restartNeeded } = outcome;
        return reply.send({ status: "success", added, changed, removed, restartNeeded });
      }
      return reply
        .code(422)
        .send({ status: "error", error: outcome.error, problems: outcome.problems });
    },
  );
}
