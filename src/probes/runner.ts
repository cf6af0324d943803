import type { OrgTarget } from "../config/target.js";
import type { OrgFacts, StageResult } from "../domain/result.js";
import { CHECK_IDS, type StageId } from "../domain/stages.js";
import type { Clock } from "../platform/clock.js";
import type { SalesforceClient } from "../salesforce/client.js";
import { PROBES } from "./registry.js";
import type { ProbeContext, ProbeOutcome } from "./types.js";
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

/**
 * Runs the local key check, then each configured probe in order. A probe whose prerequisite did
 * not pass is skipped; API probes are skipped while the org's API headroom is under the floor.
 * One token exchange at most: the API probes share its session.
 */
export async function runPass(
  target: OrgTarget,
  deps: { client: SalesforceClient; clock: Clock; previousFacts?: OrgFacts | null },
): Promise<PassOutcome> {
  const nowMs = deps.clock.now();
  const previous = deps.previousFacts ?? null;
  const facts: OrgFacts = {};
  const ctx: ProbeContext = { target, client: deps.client, nowMs, session: null, facts };
  const passed = new Set<StageId>();
  const stages: StageResult[] = [];
  if (target.key.ok) {
    passed.add("local");
    stages.push({
      stage: "local",
      ok: true,
      skipped: false,
      durationMs: 0,
      httpStatus: null,
      errorCode: null,
    });
  } else {
    stages.push(
      stageResult(
        "local",
        { ok: false, evidence: { kind: "local", detail: target.key.problem } },
        0,
      ),
    );
  }
  let loginAttempted = false;
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
    const usage = facts.apiMax !== undefined ? facts : previous;
    if (probe.countsApi && underApiFloor(usage, target.apiFloorPercent)) {
      stages.push(skipped(id, "api_floor"));
      continue;
    }
    if (id === "token") loginAttempted = true;
    const started = performance.now();
    const outcome = await probe.run(ctx);
    stages.push(stageResult(id, outcome, performance.now() - started));
    if (outcome.ok) passed.add(id);
  }
  return { stages, facts: ctx.facts, loginAttempted };
}
