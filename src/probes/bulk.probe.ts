import type { Probe } from "./types.js";
import { noteUsage } from "./usage.js";

/** A read-only Bulk API 2.0 call: lists ingest jobs (JWT-format token problems show here). */
export const bulkProbe: Probe = {
  id: "bulk",
  needs: ["token"],
  countsApi: true,
  async run(ctx) {
    const session = ctx.session;
    if (!session) return { ok: false, evidence: { kind: "local", detail: "no session" } };
    const path = `/services/data/v${ctx.target.apiVersion}/jobs/ingest`;
    const outcome = await ctx.client.get(session, path, ctx.target.timeout);
    noteUsage(ctx, outcome.usage);
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    const body = outcome.value as { records?: unknown; done?: unknown };
    if (!Array.isArray(body.records) && typeof body.done !== "boolean") {
      return { ok: false, evidence: { ...outcome.evidence, detail: "unexpected Bulk answer" } };
    }
    return { ok: true, evidence: outcome.evidence };
  },
};
