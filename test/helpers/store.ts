import { join } from "node:path";
import type { CauseId } from "../../src/domain/causes.js";
import type { CheckResult, OrgFacts, StageResult } from "../../src/domain/result.js";
import { STAGE_IDS, type StageId } from "../../src/domain/stages.js";
import { openStore, type SqliteHistoryStore } from "../../src/store/index.js";
import { tempDir } from "./tmp.js";

/** What a synthetic pass looks like. */
export interface FakeResultInput {
  orgId: string;
  checkId?: string;
  /** Epoch ms the pass started. */
  at: number;
  /** Null or absent: healthy. */
  cause?: CauseId | null;
  /** Stage that failed (default token). */
  stage?: StageId;
  tokenMs?: number;
  facts?: OrgFacts;
  loginAttempted?: boolean;
}

/** A complete synthetic CheckResult: every stage ok, or failing at `stage` with the rest skipped. */
export function fakeResult(input: FakeResultInput): CheckResult {
  const cause = input.cause ?? null;
  const failAt = input.stage ?? "token";
  const failIndex = cause ? STAGE_IDS.indexOf(failAt) : STAGE_IDS.length;
  const stages: StageResult[] = STAGE_IDS.map((stage, i) => {
    const duration = stage === "token" ? (input.tokenMs ?? 120) : 40;
    if (i < failIndex) {
      return {
        stage,
        ok: true,
        skipped: false,
        durationMs: duration,
        httpStatus: 200,
        errorCode: null,
      };
    }
    if (i === failIndex) {
      return {
        stage,
        ok: false,
        skipped: false,
        durationMs: duration,
        httpStatus: 400,
        errorCode: "invalid_grant",
      };
    }
    return {
      stage,
      ok: false,
      skipped: true,
      skipReason: "prerequisite_failed",
      durationMs: 0,
      httpStatus: null,
      errorCode: null,
    };
  });
  return {
    checkId: input.checkId ?? `${input.orgId}:${input.at}`,
    orgId: input.orgId,
    startedAt: new Date(input.at).toISOString(),
    finishedAt: new Date(input.at + 900).toISOString(),
    healthy: cause === null,
    diagnosis: cause
      ? {
          cause,
          stage: failAt,
          severity: "critical",
          transient: false,
          summary: `fails with ${cause}`,
          fix: ["do something"],
        }
      : null,
    warnings: [],
    stages,
    facts: input.facts ?? {},
    loginAttempted: input.loginAttempted ?? true,
  };
}

/** A fresh store on a temp file, with its cleanup. */
export function tempStore(): { store: SqliteHistoryStore; path: string; cleanup: () => void } {
  const tmp = tempDir("orgwatch-store-");
  const path = join(tmp.dir, "nested", "orgwatch.db");
  const store = openStore(path);
  return {
    store,
    path,
    cleanup: () => {
      store.close();
      tmp.cleanup();
    },
  };
}
