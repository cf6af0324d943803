import type { Redis } from "ioredis";
import { BullMqWorkQueue, type WorkEvent } from "./bullmq-work.js";
import { InProcessScheduler, type InProcessOptions } from "./inprocess.js";
import { RedisLease } from "./lease.js";
import { redisClient, redisOptions } from "./redis.js";
import type { JobRef, Scheduler, TriggerOutcome } from "./types.js";

/** Options of the scale-out scheduler. */
export interface BullMqSchedulerOptions extends InProcessOptions {
  redisUrl: string;
  /** The client the lease speaks through (the caller's); default: one of its own, closed on stop. */
  redis?: Redis;
  /** Key prefix of every queue and the lease, e.g. `orgwatch`. */
  prefix: string;
  leaseTtlMs: number;
  /** How often a standby tries the lease; default 1 s. */
  leaseRetryMs?: number;
  /**
   * Runs each time the lease is taken, before any unit runs (a standby reloads its history and
   * schedules every unit again).
   */
  onLeader?: () => Promise<void> | void;
  /**
   * Told when a held lease is lost. Every run in flight has been aborted already, and the
   * scheduler stands by for the lease again (onLeader runs when it is taken back).
   */
  onLost?: (why: string) => void;
  /** Told when onLeader failed: the lease was let go at once and is not tried again. */
  onTakeoverFailed?: (why: string) => void;
  onWorkEvent?: (event: WorkEvent, jobId: string) => void;
  onRedisError?: (err: unknown) => void;
}

/**
 * The scale-out scheduler. The coordinator that holds the lease in Redis decides when each unit
 * runs (on its injected clock, like the in-process scheduler); the checks themselves travel as
 * BullMQ jobs with deterministic ids (`work`) to worker processes on any machine. A coordinator
 * without the lease is a standby: it runs nothing. One that loses the lease aborts its runs at
 * once, before the lease can expire for another to take it, and stands by again.
 */
export class BullMqScheduler implements Scheduler {
  /** The BullMQ queue check jobs go out on. */
  readonly work: BullMqWorkQueue;
  /** The schedule while leading; a fresh, unstarted one after each loss. */
  private inner: InProcessScheduler;
  private readonly lease: RedisLease;
  private readonly stopping = new AbortController();
  private leading: Promise<void> | null = null;
  private readonly ownRedis: Redis | null;

  constructor(private readonly options: BullMqSchedulerOptions) {
    this.inner = new InProcessScheduler(options);
    this.ownRedis = options.redis
      ? null
      : redisClient(options.redisUrl, (err) => options.onRedisError?.(err));
    this.lease = new RedisLease({
      redis: options.redis ?? (this.ownRedis as Redis),
      key: `${options.prefix}:coordinator:lease`,
      ttlMs: options.leaseTtlMs,
      ...(options.leaseRetryMs === undefined ? {} : { retryMs: options.leaseRetryMs }),
      onLost: (why) => {
        this.standBy(why);
      },
    });
    this.work = new BullMqWorkQueue({
      connection: redisOptions(options.redisUrl),
      prefix: options.prefix,
      ...(options.onWorkEvent ? { onEvent: options.onWorkEvent } : {}),
      ...(options.onRedisError ? { onError: options.onRedisError } : {}),
    });
  }

  get inFlight(): number {
    return this.inner.inFlight;
  }

  /** Whether this coordinator holds the lease now (the only one that may record or alert). */
  get leader(): boolean {
    return this.lease.held;
  }

  /** The fencing token of the lease held, or null. */
  get fencingToken(): string | null {
    return this.lease.fencingToken;
  }

  schedule(job: JobRef, dueAt: number): void {
    this.inner.schedule(job, dueAt);
  }

  unschedule(job: JobRef): void {
    this.inner.unschedule(job);
  }

  trigger(job: JobRef): TriggerOutcome {
    return this.inner.trigger(job);
  }

  /** Waits for the lease in the background; units run once it is held. */
  start(): void {
    this.leading ??= this.lead();
  }

  /** Resolves when this coordinator leads (or was stopped first). */
  async led(): Promise<boolean> {
    await this.leading;
    return this.lease.held;
  }

  /**
   * After a loss: abort every run of the old schedule at once (before the lease can expire for
   * another coordinator), start an empty one, and wait for the lease again.
   */
  private standBy(why: string): void {
    const lost = this.inner;
    this.inner = new InProcessScheduler(this.options);
    void lost.stop(0);
    this.options.onLost?.(why);
    if (!this.stopping.signal.aborted) {
      const previous = this.leading ?? Promise.resolve();
      this.leading = previous.then(() => this.lead());
    }
  }

  private async lead(): Promise<void> {
    await this.work.ready();
    const got = await this.lease.acquire(this.stopping.signal, (err) =>
      this.options.onRedisError?.(err),
    );
    if (!got) return;
    try {
      await this.options.onLeader?.();
    } catch (err) {
      // A leader that could not catch up must not check from a stale view: it lets go.
      const why = err instanceof Error ? err.message : String(err);
      await this.lease.release();
      this.options.onTakeoverFailed?.(`could not take over (${why})`);
      return;
    }
    if (!this.stopping.signal.aborted && this.lease.held) this.inner.start();
  }

  async stop(graceMs: number): Promise<{ finished: number; abandoned: number }> {
    this.stopping.abort();
    const stopped = await this.inner.stop(graceMs);
    await this.leading?.catch(() => undefined);
    await this.lease.release();
    await this.work.close();
    this.ownRedis?.disconnect();
    return stopped;
  }
}
