import type { Probe } from "./types.js";
import { NO_SESSION, sessionGet } from "./usage.js";

interface IdentityBody {
  username?: unknown;
  preferred_username?: unknown;
  active?: unknown;
  organization_id?: unknown;
  user_id?: unknown;
}

/** The identity URL (or userinfo): the token belongs to the configured, active user. */
export const identityProbe: Probe = {
  id: "identity",
  needs: ["token"],
  countsApi: false,
  async run(ctx) {
    const session = ctx.session;
    if (!session) return NO_SESSION;
    const where = session.idUrl !== "" ? session.idUrl : "/services/oauth2/userinfo";
    // Through sessionGet, so a Sforce-Limit-Info header on the answer refreshes the API usage.
    const outcome = await sessionGet(ctx, where);
    if (!outcome) return NO_SESSION;
    if (!outcome.ok) return { ok: false, evidence: outcome.evidence };
    const body = (outcome.value ?? {}) as IdentityBody;
    const username =
      typeof body.username === "string"
        ? body.username
        : typeof body.preferred_username === "string"
          ? body.preferred_username
          : null;
    if (typeof body.organization_id === "string") ctx.facts.organizationId = body.organization_id;
    if (typeof body.user_id === "string") ctx.facts.userId = body.user_id;
    if (username !== null) ctx.facts.username = username;
    if (username !== null && username.toLowerCase() !== ctx.target.username.toLowerCase()) {
      return {
        ok: false,
        evidence: {
          ...outcome.evidence,
          detail: `the token belongs to ${username}, not the configured ${ctx.target.username}`,
        },
      };
    }
    if (body.active === false) {
      return {
        ok: false,
        evidence: { ...outcome.evidence, detail: `user ${ctx.target.username} is not active` },
      };
    }
    return { ok: true, evidence: outcome.evidence };
  },
};
