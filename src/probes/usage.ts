import type { ProbeContext } from "./types.js";

/** Keeps the freshest API usage seen on any response (Sforce-Limit-Info or /limits). */
export function noteUsage(ctx: ProbeContext, usage: { used: number; max: number } | null): void {
  if (!usage) return;
  ctx.facts.apiUsed = usage.used;
  ctx.facts.apiMax = usage.max;
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
