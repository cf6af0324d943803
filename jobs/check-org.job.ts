import { z } from "zod";
import type { Monitor } from "../src/monitor/monitor.js";

/** The payload of a check-org job: which org, and the due time it was scheduled for. */
export const checkOrgPayload = z.strictObject({
  orgId: z.string().regex(/^[a-z0-9_-]{1,64}$/),
  scheduledAt: z.number().int().nonnegative(),
});

/** A check-org job's payload. */
export type CheckOrgPayload = z.infer<typeof checkOrgPayload>;

/** Deterministic job id: a retried or duplicated job is the same job. */
export function checkOrgJobId(payload: CheckOrgPayload): string {
  return `check:${payload.orgId}:${payload.scheduledAt}`;
}

/** Runs one org's check; returns when the org is due next (epoch ms). */
export async function runCheckOrgJob(raw: unknown, monitor: Monitor): Promise<number> {
  const payload = checkOrgPayload.parse(raw);
  return monitor.runCheck(payload.orgId, payload.scheduledAt);
}
