import type { Evidence, OrgHistory, StageId, StageResult } from "../domain/index.js";
import { scrub } from "./scrub.js";
import type { ClassifyInput, OrgContext } from "./types.js";

/** The one failure a pass is classified by: the first failed stage, its evidence and context. */
export interface Failure {
  org: OrgContext;
  history: OrgHistory;
  now: number;
  stage: StageId;
  evidence: Evidence;
  /** Shape of the access token this pass obtained, or null when the exchange did not succeed. */
  tokenFormat: "opaque" | "jwt" | null;
}

/** The first stage that failed (ok false and not skipped), or undefined for a healthy pass. */
export function firstFailedStage(stages: readonly StageResult[]): StageResult | undefined {
  return stages.find((s) => !s.ok && !s.skipped);
}

/** Builds the failure view of a pass, or null when no stage failed. */
export function toFailure(input: ClassifyInput): Failure | null {
  const failed = firstFailedStage(input.stages);
  if (failed === undefined) return null;
  const token = input.stages.find((s) => s.stage === "token");
  return {
    org: input.org,
    history: input.history,
    now: input.now,
    stage: failed.stage,
    evidence: failed.evidence ?? fallbackEvidence(failed),
    tokenFormat: token?.ok === true ? (token.evidence?.tokenFormat ?? null) : null,
  };
}

/** A failed stage without evidence breaks the wire contract; keep what the stage row says. */
function fallbackEvidence(stage: StageResult): Evidence {
  const ev: Evidence = { kind: stage.httpStatus === null ? "local" : "http" };
  if (stage.httpStatus !== null) ev.httpStatus = stage.httpStatus;
  if (stage.errorCode !== null) ev.errorCode = stage.errorCode;
  return ev;
}

/** Case-insensitive equality for wire codes (`error`, `errorCode`). */
export function codeIs(value: string | undefined, ...codes: string[]): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return codes.some((c) => c.toLowerCase() === v);
}

/** Case-insensitive test of free text (`error_description`, `message`, `detail`). */
export function textHas(value: string | undefined, pattern: RegExp): boolean {
  return value !== undefined && pattern.test(value);
}

/** Whether the evidence is an HTTP status in [from, to]. */
export function statusIn(ev: Evidence, from: number, to: number): boolean {
  return ev.httpStatus !== undefined && ev.httpStatus >= from && ev.httpStatus <= to;
}

/** Whether the response carried no structured error (an unreadable or unexpected body). */
export function isUnstructured(ev: Evidence): boolean {
  return ev.kind === "http" && ev.error === undefined && ev.errorCode === undefined;
}

/** The wire's own words for this failure, scrubbed, e.g. `invalid_grant: audience is invalid`. */
export function quoteEvidence(ev: Evidence): string {
  const parts: string[] = [];
  if (ev.error !== undefined) parts.push(ev.error);
  if (ev.errorDescription !== undefined) parts.push(ev.errorDescription);
  if (ev.errorCode !== undefined) parts.push(ev.errorCode);
  if (ev.message !== undefined) parts.push(ev.message);
  if (parts.length === 0 && ev.detail !== undefined) parts.push(ev.detail);
  if (parts.length === 0 && ev.networkCode !== undefined) parts.push(ev.networkCode);
  return scrub(parts.join(": "));
}
