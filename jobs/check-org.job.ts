import { z } from "zod";
import type { OrgTarget } from "../src/config/target.js";
import type { CheckJob } from "../src/domain/job.js";
import type { CheckResult } from "../src/domain/result.js";
import { OrgwatchError } from "../src/platform/errors.js";
import { checkOrg, type WorkerDeps } from "../src/monitor/check-org.js";

const iso = z.string().nullable();

/** The payload of a check-org job, as it crosses a process boundary: no key, token or assertion. */
export const checkOrgPayload = z.strictObject({
  checkId: z.string().min(1),
  orgId: z.string().regex(/^[a-z0-9_-]{1,64}$/),
  dueAt: z.number().int().nonnegative(),
  history: z.strictObject({
    firstSeenAt: iso,
    firstSuccessAt: iso,
    lastSuccessAt: iso,
    lastOrganizationId: iso,
    lastUsername: iso,
    lastInstanceUrl: iso,
    configChangedAt: iso,
    usernameOrganizationId: iso.exactOptional(),
  }),
  apiUsage: z.strictObject({ used: z.number(), max: z.number() }).nullable(),
}) satisfies z.ZodType<CheckJob>;

/**
 * Deterministic job id: a retried or duplicated job is the same job (one org, one due time).
 * BullMQ refuses ids with a colon, so it is built from the parts of the check id, not the id.
 */
export function checkOrgJobId(job: Pick<CheckJob, "orgId" | "dueAt">): string {
  return `check-org@${job.orgId}@${String(job.dueAt)}`;
}

/** What a worker process runs check jobs with: its own config's targets and the wire. */
export interface CheckOrgWorkerDeps extends WorkerDeps {
  target(orgId: string): OrgTarget | undefined;
}

/** Runs one check job: the worker half only; nothing here writes SQLite. */
export async function runCheckOrgJob(
  raw: unknown,
  deps: CheckOrgWorkerDeps,
  signal: AbortSignal,
): Promise<CheckResult> {
  const job = checkOrgPayload.parse(raw);
  const target = deps.target(job.orgId);
  if (!target) {
    throw new OrgwatchError(
      "WORKER_UNKNOWN_ORG",
      `org ${job.orgId} is not in this worker's config; give workers the coordinator's config`,
    );
  }
  return checkOrg(target, job, deps, signal);
}
