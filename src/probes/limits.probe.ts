import type { Probe } from "./types.js";
import { NO_SESSION, noteUsage, sessionGet } from "./usage.js";

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
    const outcome = await sessionGet(ctx, `/services/data/v${ctx.target.apiVersion}/limits`);
    if (!outcome) return NO_SESSION;
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    const daily = (outcome.value as { DailyApiRequests?: LimitEntry }).DailyApiRequests;
    if (typeof daily?.Max !== "number" || typeof daily.Remaining !== "number") {
      return {
        ok: false,
        evidence: { ...outcome.evidence, detail: "limits answer has no DailyApiRequests" },
      };
    }
    noteUsage(ctx, { used: daily.Max - daily.Remaining, max: daily.Max });
    return { ok: true, evidence: outcome.evidence };
  },
};
