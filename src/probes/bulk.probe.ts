import type { Probe } from "./types.js";
import { NO_SESSION, sessionGet } from "./usage.js";

/** A read-only Bulk API 2.0 call: lists ingest jobs (JWT-format token problems show here). */
export const bulkProbe: Probe = {
  id: "bulk",
  needs: ["token"],
  countsApi: true,
  async run(ctx) {
    const outcome = await sessionGet(ctx, `/services/data/v${ctx.target.apiVersion}/jobs/ingest`);
    if (!outcome) return NO_SESSION;
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    const body = outcome.value as { records?: unknown; done?: unknown };
    if (!Array.isArray(body.records) && typeof body.done !== "boolean") {
      return { ok: false, evidence: { ...outcome.evidence, detail: "unexpected Bulk answer" } };
    }
    return { ok: true, evidence: outcome.evidence };
  },
};
