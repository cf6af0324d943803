import type { Evidence } from "../domain/result.js";
import type { CallOutcome } from "../salesforce/client.js";
import type { ProbeContext, ProbeOutcome } from "./types.js";

/** What a probe answers when the token probe left no session (a runner bug, not a failure). */
export const NO_SESSION: ProbeOutcome = {
  ok: false,
  evidence: { kind: "local", detail: "no session" },
};

/** Keeps the freshest API usage seen on any response (Sforce-Limit-Info or /limits). */
export function noteUsage(ctx: ProbeContext, usage: { used: number; max: number } | null): void {
  if (!usage) return;
  ctx.facts.apiUsed = usage.used;
  ctx.facts.apiMax = usage.max;
}

/** GET with the pass's session on the instance; notes the API usage the answer reports. */
export async function sessionGet(
  ctx: ProbeContext,
  path: string,
): Promise<CallOutcome<unknown> | null> {
  if (!ctx.session) return null;
  const outcome = await ctx.client.get(ctx.session, path, ctx.target.timeout);
  noteUsage(ctx, outcome.usage);
  noteVersionWarning(ctx, outcome.evidence);
  return outcome;
}

/** Keeps a `Warning` header (a deprecated API version, errors.md D.11) as a fact of the pass. */
export function noteVersionWarning(ctx: ProbeContext, evidence: Evidence): void {
  const warning = evidence.headers?.warning;
  if (warning !== undefined) ctx.facts.apiVersionWarning = warning;
}

/** Whether the org's remaining daily API requests are under the configured floor. */
export function underApiFloor(
  facts: { apiUsed?: number; apiMax?: number } | null,
  floorPercent: number,
): boolean {
  if (!facts || facts.apiUsed === undefined || facts.apiMax === undefined || facts.apiMax <= 0) {
    return false;
  }
  const remaining = ((facts.apiMax - facts.apiUsed) / facts.apiMax) * 100;
  return remaining < floorPercent;
}
