import { checkOrgJobId } from "../../jobs/check-org.job.js";
import type { TopConfig } from "../config/schema.js";
import type { CheckJob } from "../domain/job.js";
import type { CheckResult } from "../domain/result.js";
import { createQueueMetrics, type OrgwatchRegistry } from "../metrics/index.js";
import type { Coordinator } from "../monitor/coordinator.js";
import type { Fleet } from "../monitor/fleet.js";
import type { CheckWorker } from "../monitor/run-loop.js";
import type { Clock } from "../platform/clock.js";
import { OrgwatchError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { BullMqScheduler } from "../scheduler/bullmq.js";
import type { InProcessOptions } from "../scheduler/inprocess.js";
import { describeRedis } from "../scheduler/redis.js";
import type { JobHandlers } from "../scheduler/types.js";
import type { SqliteHistoryStore } from "../store/index.js";

/** The redis scheduler block of the config. */
export type RedisSchedulerConfig = Extract<TopConfig["scheduler"], { kind: "redis" }>;

/** What the scale-out coordinator adds to the runtime. */
export interface ScaleOut {
  scheduler: BullMqScheduler;
  /** Set by the runtime: what to do on taking the lease, before any check runs. */
  onLeader: () => Promise<void>;
  /** Set by the runtime: what to do when the lease is lost (the scheduler stands by again). */
  onLost: (why: string) => void;
  /** Set by the runtime: what to do when catching up after taking the lease failed. */
  onTakeoverFailed: (why: string) => void;
}

/** A worker's answer, checked before it is recorded: it must be the result of this job. */
export function asCheckResult(
  value: unknown,
  job: Pick<CheckJob, "checkId" | "orgId">,
): CheckResult {
  const r = value as Partial<CheckResult> | null;
  if (!r || typeof r !== "object" || r.checkId !== job.checkId || r.orgId !== job.orgId) {
    throw new OrgwatchError(
      "WORK_RESULT_INVALID",
      `the result of check ${job.checkId} from the queue is not a check result for it; run workers of the same orgwatch version`,
    );
  }
  return r as CheckResult;
}

/**
 * How many checks the coordinator keeps admitted and unrecorded over all workers. A check is in
 * Redis on its way out and its result on the way back, so with only as many in flight as the
 * workers have slots, a slot idles for each round trip; the default keeps some queued for them.
 */
export function maxInFlight(
  cfg: Pick<RedisSchedulerConfig, "concurrency" | "maxInFlight">,
): number {
  return cfg.maxInFlight ?? 4 * cfg.concurrency;
}

/**
 * The coordinator's half of scale-out: a BullMQ scheduler behind the lease, and a CheckWorker
 * that sends each admitted check to the work queue under its deterministic id and waits for the
 * result a worker process returns through Redis.
 */
export function buildScaleOut(
  cfg: RedisSchedulerConfig,
  deps: {
    clock: Clock;
    logger: Logger;
    registry: OrgwatchRegistry;
    handlers: (worker: CheckWorker) => JobHandlers;
    hooks: Pick<InProcessOptions, "onLag" | "onError">;
  },
): ScaleOut {
  const { logger } = deps;
  const where = describeRedis(cfg.redisUrl);
  let lastRedisError = "";
  const onRedisError = (err: unknown): void => {
    const why = err instanceof Error ? err.message : String(err);
    if (why === lastRedisError) return;
    lastRedisError = why;
    logger.warn({ redis: where, err: why }, `Redis at ${where}: ${why}; reconnecting`);
  };
  const remote: CheckWorker = {
    run: async (job, signal) =>
      asCheckResult(await scheduler.work.submit("check-org", checkOrgJobId(job), job, signal), job),
  };
  const out: ScaleOut = {
    scheduler: undefined as unknown as BullMqScheduler,
    onLeader: () => Promise.resolve(),
    onLost: () => undefined,
    onTakeoverFailed: () => undefined,
  };
  const queueMetrics = createQueueMetrics(deps.registry, {
    counts: () => scheduler.work.counts(),
    workers: () => scheduler.work.workers(),
    leaseHeld: () => scheduler.leader,
  });
  const scheduler: BullMqScheduler = new BullMqScheduler({
    redisUrl: cfg.redisUrl,
    prefix: cfg.prefix,
    leaseTtlMs: cfg.leaseTtl,
    concurrency: maxInFlight(cfg),
    clock: deps.clock,
    handlers: deps.handlers(remote),
    ...deps.hooks,
    onLeader: () => out.onLeader(),
    onLost: (why) => {
      out.onLost(why);
    },
    onTakeoverFailed: (why) => {
      out.onTakeoverFailed(why);
    },
    onWorkEvent: (event, jobId) => {
      if (event === "stalled") queueMetrics.stalled();
      if (event === "re-enqueued") queueMetrics.reenqueued();
      logger.warn({ job: jobId, event }, `check job ${jobId}: ${event}`);
    },
    onRedisError,
  });
  out.scheduler = scheduler;
  return out;
}

/**
 * A coordinator that has just taken the lease catches up before checking anything: the history
 * the previous one wrote (same SQLite file), the results workers returned that it did not record
 * (recording is idempotent on check id), and the checks still queued or running, which it waits
 * for under their own due time (so their job ids match) instead of admitting them again.
 */
export async function catchUp(deps: {
  store: SqliteHistoryStore;
  fleet: Fleet;
  coordinator: Coordinator;
  scheduler: BullMqScheduler;
  clock: Clock;
  logger: Logger;
  scheduleAll: () => Promise<void>;
}): Promise<void> {
  const { store, fleet, coordinator, scheduler, clock, logger } = deps;
  for (const state of store.listOrgStates()) {
    if (fleet.get(state.orgId)) fleet.setState(state.orgId, state);
  }
  let recorded = 0;
  for (const value of await scheduler.work.completed()) {
    const r = value as Partial<CheckResult> | null;
    if (!r || typeof r.orgId !== "string" || typeof r.checkId !== "string") continue;
    const done = coordinator.record(
      asCheckResult(r, { checkId: r.checkId, orgId: r.orgId }),
      clock.now(),
    );
    if (done && !done.replay) recorded++;
  }
  await deps.scheduleAll();
  let adopted = 0;
  for (const job of await scheduler.work.unfinished()) {
    const data = job.data as Partial<CheckJob> | null;
    if (!data || typeof data.orgId !== "string" || typeof data.dueAt !== "number") continue;
    if (!fleet.get(data.orgId)) continue;
    coordinator.adopt(data.orgId, data.dueAt);
    scheduler.schedule({ name: "check-org", id: data.orgId }, data.dueAt);
    adopted++;
  }
  logger.info(
    { recorded, adopted },
    "took the coordinator lease; resuming from the shared history",
  );
}
