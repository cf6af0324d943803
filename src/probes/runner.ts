import type { OrgTarget } from "../config/target.js";
import type { OrgFacts, StageResult } from "../domain/result.js";
import { CHECK_IDS, type StageId } from "../domain/stages.js";
import type { Clock } from "../platform/clock.js";
import type { SalesforceClient } from "../salesforce/client.js";
import { PROBES } from "./registry.js";
import type { Probe, ProbeContext, ProbeOutcome } from "./types.js";
import { underApiFloor } from "./usage.js";

/** The stages of one pass and what was learned on the way. */
export interface PassOutcome {
  stages: StageResult[];
  facts: OrgFacts;
  loginAttempted: boolean;
}

function stageResult(stage: StageId, outcome: ProbeOutcome, durationMs: number): StageResult {
  const result: StageResult = {
    stage,
    ok: outcome.ok,
    skipped: false,
    durationMs: Math.round(durationMs),
    httpStatus: outcome.evidence?.httpStatus ?? null,
    errorCode: outcome.evidence?.errorCode ?? outcome.evidence?.error ?? null,
  };
  if (outcome.evidence) result.evidence = outcome.evidence;
  return result;
}

function skipped(stage: StageId, reason: NonNullable<StageResult["skipReason"]>): StageResult {
  return {
    stage,
    ok: false,
    skipped: true,
    skipReason: reason,
    durationMs: 0,
    httpStatus: null,
    errorCode: null,
  };
}

/** What a pass runs with besides the target. */
export interface PassDeps {
  client: SalesforceClient;
  clock: Clock;
  /** The freshest API usage known before this pass (from earlier passes). */
  apiUsage?: { used: number; max: number } | null;
  /** The pass's one deadline (and shutdown): once aborted, no further stage runs. */
  signal?: AbortSignal;
}

const ABORTED: ProbeOutcome = {
  ok: false,
  evidence: { kind: "timeout", detail: "the pass ran out of time" },
};

/** Runs a probe unless the pass is aborted first; an abort mid-call ends it as a timeout. */
async function runProbe(
  probe: Probe,
  ctx: ProbeContext,
  signal: AbortSignal | undefined,
): Promise<ProbeOutcome> {
  if (!signal) return probe.run(ctx);
  if (signal.aborted) return ABORTED;
  let onAbort: () => void = () => {};
  const aborted = new Promise<ProbeOutcome>((resolve) => {
    onAbort = () => {
      resolve(ABORTED);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([probe.run(ctx), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Runs the local key check, then each configured probe in order. A probe whose prerequisite did
 * not pass is skipped. While the org's API headroom is under the floor the API probes are
 * skipped, except one `/limits` call a pass that refreshes the usage: without fresh evidence the
 * floor could never clear. One token exchange at most: the API probes share its session.
 */
export async function runPass(target: OrgTarget, deps: PassDeps): Promise<PassOutcome> {
  const nowMs = deps.clock.now();
  const facts: OrgFacts = {};
  const ctx: ProbeContext = { target, client: deps.client, nowMs, session: null, facts };
  const passed = new Set<StageId>();
  const stages: StageResult[] = [localStage(target)];
  if (target.key.ok) passed.add("local");
  let loginAttempted = false;
  let limitsOutcome: { outcome: ProbeOutcome; durationMs: number } | null = null;
  const usage = (): { apiUsed?: number; apiMax?: number } | null =>
    facts.apiMax !== undefined
      ? facts
      : deps.apiUsage
        ? { apiUsed: deps.apiUsage.used, apiMax: deps.apiUsage.max }
        : null;
  for (const id of CHECK_IDS) {
    const probe = PROBES[id];
    if (!target.checks.includes(id)) {
      stages.push(skipped(id, "not_configured"));
      continue;
    }
    if (!probe.needs.every((need) => passed.has(need))) {
      stages.push(skipped(id, "prerequisite_failed"));
      continue;
    }
    if (
      probe.countsApi &&
      limitsOutcome === null &&
      underApiFloor(usage(), target.apiFloorPercent)
    ) {
      // The one API call spent under the floor: refresh the usage, then decide again.
      const started = performance.now();
      const outcome = await runProbe(PROBES.limits, ctx, deps.signal);
      limitsOutcome = { outcome, durationMs: performance.now() - started };
    }
    if (id === "limits" && limitsOutcome !== null) {
      stages.push(stageResult(id, limitsOutcome.outcome, limitsOutcome.durationMs));
      if (limitsOutcome.outcome.ok) passed.add(id);
      continue;
    }
    if (probe.countsApi && underApiFloor(usage(), target.apiFloorPercent)) {
      stages.push(skipped(id, "api_floor"));
      continue;
    }
    if (id === "token") loginAttempted = true;
    const started = performance.now();
    const outcome = await runProbe(probe, ctx, deps.signal);
    stages.push(stageResult(id, outcome, performance.now() - started));
    if (outcome.ok) passed.add(id);
  }
  return { stages, facts: ctx.facts, loginAttempted };
}

function localStage(target: OrgTarget): StageResult {
  if (target.key.ok) {
    return {
      stage: "local",
      ok: true,
      skipped: false,
      durationMs: 0,
      httpStatus: null,
      errorCode: null,
    };
  }
  return stageResult(
    "local",
    { ok: false, evidence: { kind: "local", detail: target.key.problem } },
    0,
  );
}
