import { createHash } from "node:crypto";
import type { CauseId } from "../domain/causes.js";

/** While an app propagates, re-check this often (Salesforce says 2-10 minutes). */
export const PROPAGATION_RETRY_MS = 2 * 60_000;
/** After a login-rate block, leave the user alone this long (limits.md: wait up to an hour). */
export const LOGIN_RATE_PAUSE_MS = 60 * 60_000;

/** A stable fraction in [0, 1) from an org id, so jitter is the same on every start. */
export function jitterFraction(orgId: string): number {
  const digest = createHash("sha256").update(orgId).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/**
 * When an org is first checked: spread over its interval by a deterministic offset, so that
 * 10,000 orgs never fire at one instant and a restart does not move them around.
 */
export function firstCheckAt(orgId: string, intervalMs: number, nowMs: number): number {
  return nowMs + Math.floor(jitterFraction(orgId) * intervalMs);
}

/** Where an org resumes after a restart: its stored slot, or a spread slot when that has passed. */
export function resumeCheckAt(
  orgId: string,
  intervalMs: number,
  storedNextAt: number | null,
  nowMs: number,
): number {
  if (storedNextAt === null) return firstCheckAt(orgId, intervalMs, nowMs);
  if (storedNextAt >= nowMs) return Math.min(storedNextAt, nowMs + intervalMs * 16);
  return firstCheckAt(orgId, intervalMs, nowMs);
}

/** What decides the next check after a pass. */
export interface ScheduleInput {
  intervalMs: number;
  maxBackoffMs: number;
  /** The pass's outcome: null cause when healthy. */
  cause: CauseId | null;
  transient: boolean;
  /** Whether the pass failed at the token stage (failures there spend logins). */
  failedAtToken: boolean;
  backoffLevel: number;
  nowMs: number;
}

/** The next check time and back-off level. */
export interface ScheduleDecision {
  nextAt: number;
  backoffLevel: number;
}

/**
 * Decides when to check again. Healthy: the interval. A propagating app: every 2 minutes. A
 * login-rate block: an hour. Any other token failure, or a lasting failure anywhere, doubles the
 * wait up to maxBackoff, so a broken org still gets re-checked often enough to see the fix.
 */
export function nextCheck(input: ScheduleInput): ScheduleDecision {
  const { intervalMs, nowMs } = input;
  if (input.cause === null) return { nextAt: nowMs + intervalMs, backoffLevel: 0 };
  if (input.cause === "app_propagating") {
    return { nextAt: nowMs + Math.min(intervalMs, PROPAGATION_RETRY_MS), backoffLevel: 0 };
  }
  if (input.cause === "login_rate_exceeded") {
    return {
      nextAt: nowMs + Math.max(intervalMs, LOGIN_RATE_PAUSE_MS),
      backoffLevel: input.backoffLevel,
    };
  }
  if (input.transient && !input.failedAtToken) {
    return { nextAt: nowMs + intervalMs, backoffLevel: 0 };
  }
  const level = Math.min(input.backoffLevel + 1, 20);
  const cap = Math.max(intervalMs, input.maxBackoffMs);
  const wait = Math.min(intervalMs * 2 ** (level - 1), cap);
  return { nextAt: nowMs + wait, backoffLevel: level };
}
