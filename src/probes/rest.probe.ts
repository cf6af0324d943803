import type { Probe, ProbeContext } from "./types.js";
import { NO_SESSION, sessionGet } from "./usage.js";

const QUERY = "SELECT Id FROM Organization LIMIT 1";

/** A cheap SOQL query: the REST API works for this user. */
export const restProbe: Probe = {
  id: "rest",
  needs: ["token"],
  countsApi: true,
  async run(ctx) {
    const path = `/services/data/v${ctx.target.apiVersion}/query?q=${encodeURIComponent(QUERY)}`;
    const outcome = await sessionGet(ctx, path);
    if (!outcome) return NO_SESSION;
    if (!outcome.ok) {
      if (outcome.evidence.httpStatus === 404 || outcome.evidence.httpStatus === 410) {
        const detail = await versionDetail(ctx);
        if (detail) return { ok: false, evidence: { ...outcome.evidence, detail } };
      }
      return { ok: false, evidence: outcome.evidence };
    }
    const records = (outcome.value as { records?: unknown }).records;
    if (!Array.isArray(records)) {
      return {
        ok: false,
        evidence: { ...outcome.evidence, detail: "query answer has no records" },
      };
    }
    return { ok: true, evidence: outcome.evidence };
  },
};

/** Asks the free versions list whether the configured API version exists on this org. */
async function versionDetail(ctx: ProbeContext): Promise<string | null> {
  if (!ctx.session) return null;
  const list = await ctx.client.get(ctx.session, "/services/data", ctx.target.timeout);
  if (!list.ok || !Array.isArray(list.value)) return null;
  const versions = (list.value as { version?: unknown }[])
    .map((v) => v.version)
    .filter((v): v is string => typeof v === "string");
  if (versions.includes(ctx.target.apiVersion)) return null;
  const highest = versions.sort((a, b) => Number(a) - Number(b)).at(-1) ?? "none";
  return `API version ${ctx.target.apiVersion} is not offered by this org (highest: ${highest})`;
}
