import { z } from "zod";
import type { Maintenance, Retention } from "../src/store/index.js";
import { maintain } from "../src/monitor/maintain.js";

/** How often history is rolled up and pruned. */
export const MAINTAIN_EVERY_MS = 3_600_000;

/** The payload of a maintenance job: the time it runs for. */
export const maintainPayload = z.strictObject({ at: z.number().int().nonnegative() });

/** A maintenance job's payload. */
export type MaintainPayload = z.infer<typeof maintainPayload>;

/** Deterministic job id: one maintenance run per hour, however often it is enqueued. */
export function maintainJobId(payload: MaintainPayload): string {
  return `maintain:${String(Math.floor(payload.at / MAINTAIN_EVERY_MS))}`;
}

/** Rolls up finished buckets and prunes rows past retention; returns when to run next. */
export function runMaintainJob(
  raw: unknown,
  deps: { store: Maintenance; retention: Retention },
): number {
  const payload = maintainPayload.parse(raw);
  maintain(deps.store, deps.retention, payload.at);
  return payload.at + MAINTAIN_EVERY_MS;
}
