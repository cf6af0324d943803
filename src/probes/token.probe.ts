import type { Probe } from "./types.js";

/** The JWT bearer exchange; leaves the session for the API probes. */
export const tokenProbe: Probe = {
  id: "token",
  needs: ["local"],
  countsApi: false,
  async run(ctx) {
    const { target } = ctx;
    if (!target.key.ok)
      return { ok: false, evidence: { kind: "local", detail: target.key.problem } };
    const outcome = await ctx.client.exchangeToken(
      target.tokenUrl,
      { clientId: target.clientId, username: target.username, audience: target.audience },
      target.key.key,
      ctx.nowMs,
      target.timeout,
    );
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    ctx.session = outcome.value;
    ctx.facts.tokenFormat = outcome.value.tokenFormat;
    ctx.facts.instanceUrl = outcome.value.instanceUrl;
    return { ok: true, evidence: outcome.evidence };
  },
};
