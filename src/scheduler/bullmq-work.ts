import { performance } from "node:perf_hooks";
import { Queue, QueueEvents, Worker, type Job } from "bullmq";
import type { RedisConnection } from "./redis.js";

/** The queue check jobs travel on (under the configured prefix). */
export const WORK_QUEUE = "checks";
/**
 * Completed jobs are kept this long (and at most this many): long enough for a standby taking
 * over to record what the dead coordinator did not, short enough that 333 checks/s do not fill
 * Redis with results. Failed jobs are few and kept an hour for inspection.
 */
const KEEP_COMPLETED = { age: 120, count: 50_000 };
const KEEP_FAILED = { age: 3600 };

/** Job counts of the work queue, by BullMQ state. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** What happened to a job that the coordinator may want to count or log. */
export type WorkEvent = "stalled" | "re-enqueued" | "failed";

/** The coordinator's side of the work queue. */
export interface WorkQueueOptions {
  connection: RedisConnection;
  prefix: string;
  /**
   * How often jobs waited on are looked up directly (events lost with a Redis restart); a job is
   * looked up once it has been waited on this long, so a sweep skips the many that will answer
   * in a moment. Default 2 s.
   */
  sweepMs?: number;
  onEvent?: (event: WorkEvent, jobId: string) => void;
  onError?: (err: unknown) => void;
}

interface Pending {
  name: string;
  data: object;
  /** performance.now() when it was submitted or last looked up. */
  since: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** A job that failed on a worker (thrown there, or stalled twice). */
export class WorkFailedError extends Error {
  readonly code = "WORK_FAILED";
}

/**
 * Enqueues jobs under deterministic ids and waits for their results. BullMQ drops an `add` whose
 * id exists, so a job enqueued twice (a standby taking over, a sweep after a Redis restart) runs
 * once. Results arrive as QueueEvents; a sweep looks each waited-on job up, resolving one whose
 * event was lost and enqueueing again one that Redis lost (restarted without persistence).
 */
export class BullMqWorkQueue {
  readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly pending = new Map<string, Pending>();
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;

  constructor(private readonly options: WorkQueueOptions) {
    const base = { connection: options.connection, prefix: options.prefix };
    this.queue = new Queue(WORK_QUEUE, base);
    this.events = new QueueEvents(WORK_QUEUE, base);
    const report = (err: unknown): void => options.onError?.(err);
    this.queue.on("error", report);
    this.events.on("error", report);
    this.events.on("completed", ({ jobId, returnvalue }) => {
      this.settle(jobId, { ok: true, value: returnvalue });
    });
    this.events.on("failed", ({ jobId, failedReason }) => {
      options.onEvent?.("failed", jobId);
      this.settle(jobId, { ok: false, reason: failedReason });
    });
    this.events.on("stalled", ({ jobId }) => options.onEvent?.("stalled", jobId));
    this.sweeper = setInterval(() => void this.sweep(), this.sweepMs);
  }

  private get sweepMs(): number {
    return this.options.sweepMs ?? 2000;
  }

  /** Resolves once QueueEvents listens, so no result of a job added after it can be missed. */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  /** Enqueues (or joins) job `jobId` and resolves with its result; `signal` stops the wait only. */
  async submit(name: string, jobId: string, data: object, signal: AbortSignal): Promise<unknown> {
    const result = new Promise<unknown>((resolve, reject) => {
      this.pending.set(jobId, { name, data, since: performance.now(), resolve, reject });
      signal.addEventListener("abort", () => {
        if (this.pending.delete(jobId)) reject(new Error("stopped waiting"));
      });
    });
    try {
      await this.add(name, jobId, data);
    } catch (err) {
      this.pending.delete(jobId);
      throw err;
    }
    return result;
  }

  private async add(name: string, jobId: string, data: object): Promise<void> {
    await this.queue.add(name, data, {
      jobId,
      attempts: 1,
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    });
  }

  private settle(
    jobId: string,
    outcome: { ok: true; value: unknown } | { ok: false; reason: string },
  ): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    this.pending.delete(jobId);
    if (outcome.ok) p.resolve(outcome.value);
    else p.reject(new WorkFailedError(outcome.reason));
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.pending.size === 0) return;
    this.sweeping = true;
    try {
      const due = performance.now() - this.sweepMs;
      for (const [jobId, p] of [...this.pending]) {
        if (p.since > due) continue;
        p.since = performance.now();
        const job = await this.queue.getJob(jobId);
        if (!this.pending.has(jobId)) continue;
        if (!job) {
          this.options.onEvent?.("re-enqueued", jobId);
          await this.add(p.name, jobId, p.data);
        } else if (job.finishedOn !== undefined) {
          this.settle(
            jobId,
            job.failedReason
              ? { ok: false, reason: job.failedReason }
              : { ok: true, value: job.returnvalue as unknown },
          );
        }
      }
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  /** Jobs not finished yet (waiting, active, delayed): what a new coordinator adopts. */
  async unfinished(): Promise<Array<{ id: string; name: string; data: unknown }>> {
    const jobs = await this.queue.getJobs(["waiting", "active", "delayed", "prioritized"]);
    return jobs
      .filter((j) => j.id !== undefined)
      .map((j) => ({ id: j.id ?? "", name: j.name, data: j.data as unknown }));
  }

  /** Results of jobs completed and kept: a new coordinator records them (idempotent). */
  async completed(): Promise<unknown[]> {
    const jobs = await this.queue.getCompleted(0, -1);
    return jobs.map((j) => j.returnvalue as unknown);
  }

  /** Job counts by state. */
  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
    return {
      waiting: c.waiting ?? 0,
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  /** Worker processes connected to the queue now (BullMQ names their connections). */
  async workers(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  /** Jobs waited on now. */
  get waitingOn(): number {
    return this.pending.size;
  }

  /**
   * Stops sweeping and closes the connections; waits still pending are rejected. A QueueEvents
   * whose blocking connection lived through a Redis restart may never finish closing (BullMQ
   * waits for an `end` that does not come), so after `graceMs` the connections are cut instead:
   * a shutdown must not hang on Redis.
   */
  async close(graceMs = 3000): Promise<void> {
    clearInterval(this.sweeper);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error("work queue closed"));
    }
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      Promise.all([this.events.close(), this.queue.close()]).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!closed) {
      // Not awaited: disconnect() waits on the same stuck connection; it still stops reconnecting.
      for (const q of [this.events, this.queue]) void q.disconnect().catch(() => undefined);
    }
  }
}

/** A worker process's side: runs jobs from the queue, `concurrency` at a time. */
export interface WorkProcessorOptions {
  connection: RedisConnection;
  prefix: string;
  concurrency: number;
  /** This worker's name, as jobs record it (`processedBy`) and Redis lists its connections. */
  name: string;
  /** A job whose worker stops renewing its lock this long is stalled and run again once. */
  stalledAfterMs: number;
  process: (name: string, data: unknown, signal: AbortSignal) => Promise<unknown>;
  onError?: (err: unknown) => void;
  onFailed?: (jobId: string, err: Error) => void;
}

/** Starts a BullMQ worker on the work queue; close() lets jobs in flight finish. */
export function startWorkProcessor(options: WorkProcessorOptions): Worker {
  const worker = new Worker(
    WORK_QUEUE,
    async (job: Job, _token?: string, signal?: AbortSignal) =>
      options.process(job.name, job.data, signal ?? new AbortController().signal),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      name: options.name,
      lockDuration: options.stalledAfterMs,
      stalledInterval: Math.max(1000, Math.floor(options.stalledAfterMs / 2)),
      // A worker killed mid-job: its job is run once more by another, then given up (failed).
      maxStalledCount: 1,
    },
  );
  worker.on("error", (err) => options.onError?.(err));
  worker.on("failed", (job, err) => {
    if (job?.id) options.onFailed?.(job.id, err);
  });
  return worker;
}
