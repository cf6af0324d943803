import type { Probe } from "./types.js";
import { NO_SESSION, noteVersionWarning } from "./usage.js";

/** A read-only Metadata API SOAP call (describeMetadata): SOAP accepts this token. */
export const metadataProbe: Probe = {
  id: "metadata",
  needs: ["token"],
  countsApi: true,
  async run(ctx) {
    const session = ctx.session;
    if (!session) return NO_SESSION;
    const version = ctx.target.apiVersion;
    const outcome = await ctx.client.metadata(
      session,
      version,
      `<met:describeMetadata><met:asOfVersion>${version}</met:asOfVersion></met:describeMetadata>`,
      ctx.target.timeout,
    );
    noteVersionWarning(ctx, outcome.evidence);
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    return { ok: true, evidence: outcome.evidence };
  },
};
