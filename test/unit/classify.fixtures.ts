import { EMPTY_HISTORY, STAGE_IDS } from "../../src/domain/index.js";
import type { Evidence, OrgHistory, StageId, StageResult } from "../../src/domain/index.js";
import type { ClassifyInput, OrgContext } from "../../src/classify/index.js";

/** The pass time every classify test uses. */
export const NOW = Date.parse("2026-03-01T12:00:00.000Z");
/** Milliseconds in a minute and a day. */
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** ISO timestamp `ms` before NOW. */
export function ago(ms: number): string {
  return new Date(NOW - ms).toISOString();
}

/** A sandbox org with a My Domain, a suffixed username, a permission set and an app id. */
export function org(over: Partial<OrgContext> = {}): OrgContext {
  return {
    id: "acme-dev",
    name: "Acme Dev",
    loginUrl: "https://acme--dev.sandbox.my.salesforce.com",
    audience: "https://test.salesforce.com",
    audienceDerived: true,
    sandbox: true,
    myDomainUrl: "https://acme--dev.sandbox.my.salesforce.com",
    username: "integration@acme.com.dev",
    apiVersion: "65.0",
    permissionSet: "Orgwatch_Integration",
    appId: "0CiXX0000000001",
    appOrgId: "00DXX0000000001",
    createdAt: "2025-01-01T00:00:00.000Z",
    certificateNotAfter: null,
    recheckCommand: "orgwatch check acme-dev",
    ...over,
  };
}

/** History of an org seen for months that never had a successful exchange. */
export function history(over: Partial<OrgHistory> = {}): OrgHistory {
  return { ...EMPTY_HISTORY, firstSeenAt: "2025-06-01T00:00:00.000Z", ...over };
}

/** The stages of a pass that fails at `stage` with `evidence` (earlier stages ok, later skipped). */
export function stagesFailingAt(
  stage: StageId | null,
  evidence: Evidence,
  tokenFormat: "opaque" | "jwt" = "opaque",
): StageResult[] {
  const at = stage === null ? STAGE_IDS.length : STAGE_IDS.indexOf(stage);
  return STAGE_IDS.map((s, i): StageResult => {
    const base = { stage: s, durationMs: 10, httpStatus: null, errorCode: null };
    if (i < at) {
      return s === "token"
        ? {
            ...base,
            ok: true,
            skipped: false,
            httpStatus: 200,
            evidence: { kind: "http", httpStatus: 200, tokenFormat },
          }
        : { ...base, ok: true, skipped: false };
    }
    if (i === at)
      return {
        ...base,
        ok: false,
        skipped: false,
        httpStatus: evidence.httpStatus ?? null,
        evidence,
      };
    return { ...base, ok: false, skipped: true, skipReason: "prerequisite_failed" };
  });
}

/** One witness: a failing stage, its evidence and optional org/history/token overrides. */
export interface Witness {
  stage: StageId;
  evidence: Evidence;
  org?: Partial<OrgContext>;
  history?: Partial<OrgHistory>;
  tokenFormat?: "opaque" | "jwt";
}

/** The classify input for a witness. */
export function inputFor(w: Witness): ClassifyInput {
  return {
    org: org(w.org),
    history: history(w.history),
    stages: stagesFailingAt(w.stage, w.evidence, w.tokenFormat),
    now: NOW,
  };
}

/** A token-endpoint JSON error. */
export function tokenError(error: string, errorDescription: string, httpStatus = 400): Evidence {
  return { kind: "http", httpStatus, error, errorDescription, contentType: "application/json" };
}

/** A REST/Bulk error array's first element, or a SOAP fault. */
export function apiError(httpStatus: number, errorCode: string, message: string): Evidence {
  return { kind: "http", httpStatus, errorCode, message, contentType: "application/json" };
}
