import { z } from "zod";
import type { Monitor } from "../src/monitor/monitor.js";

/** How often history is rolled up and pruned. */
export const MAINTAIN_EVERY_MS = 3_600_000;

/** The payload of a maintenance job: the hour it runs for. */
export const maintainPayload = z.strictObject({ at: z.number().int().nonnegative() });

/** A maintenance job's payload. */
export type MaintainPayload = z.infer<typeof maintainPayload>;

/** Deterministic job id: one maintenance run per hour, however often it is enqueued. */
export function maintainJobId(payload: MaintainPayload): string {
  return `maintain:${Math.floor(payload.at / MAINTAIN_EVERY_MS)}`;
}

/** Rolls up finished buckets and prunes rows past retention; returns when to run next. */
export function runMaintainJob(raw: unknown, monitor: Monitor): number {
  const payload = maintainPayload.parse(raw);
  monitor.maintain(payload.at);
  return payload.at + MAINTAIN_EVERY_MS;
}
