import type { Probe } from "./types.js";
import { noteUsage } from "./usage.js";

interface LimitEntry {
  Max?: unknown;
  Remaining?: unknown;
}

/** `/limits`: the API is usable and how much of the daily allocation is left. */
export const limitsProbe: Probe = {
  id: "limits",
  needs: ["token"],
  countsApi: true,
  async run(ctx) {
    const session = ctx.session;
    if (!session) return { ok: false, evidence: { kind: "local", detail: "no session" } };
    const path = `/services/data/v${ctx.target.apiVersion}/limits`;
    const outcome = await ctx.client.get(session, path, ctx.target.timeout);
    noteUsage(ctx, outcome.usage);
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    const daily = (outcome.value as { DailyApiRequests?: LimitEntry }).DailyApiRequests;
    if (typeof daily?.Max === "number" && typeof daily.Remaining === "number") {
      noteUsage(ctx, { used: daily.Max - daily.Remaining, max: daily.Max });
    } else {
      return {
        ok: false,
        evidence: { ...outcome.evidence, detail: "limits answer has no DailyApiRequests" },
      };
    }
    return { ok: true, evidence: outcome.evidence };
  },
};
