import { Counter, Gauge, type Registry } from "prom-client";

/** The work queue's job states exported as `orgwatch_queue_jobs{state}`. */
export const QUEUE_STATES = ["waiting", "active", "delayed", "completed", "failed"] as const;

/** What the scale-out metrics read at scrape time. */
export interface QueueSource {
  counts(): Promise<Record<(typeof QUEUE_STATES)[number], number>>;
  /** Worker processes connected to the queue now. */
  workers(): Promise<number>;
  leaseHeld(): boolean;
}

/** The counters the coordinator feeds. */
export interface QueueMetrics {
  stalled(): void;
  reenqueued(): void;
}

/** A scrape never waits on Redis longer than this: a down Redis keeps the last values. */
const READ_TIMEOUT_MS = 1000;

function within<T>(p: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), READ_TIMEOUT_MS);
  });
  return Promise.race([p.catch(() => null), late]).finally(() => clearTimeout(timer));
}

/** Registers the scale-out metrics (queue jobs, stalled, re-enqueued, workers, lease held). */
export function createQueueMetrics(registry: Registry, source: QueueSource): QueueMetrics {
  new Gauge({
    name: "orgwatch_queue_jobs",
    help: "Check jobs in the BullMQ work queue, by state (completed ones are kept two minutes, failed ones an hour).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await within(source.counts());
      if (!counts) return;
      for (const state of QUEUE_STATES) this.set({ state }, counts[state]);
    },
  });
  new Gauge({
    name: "orgwatch_queue_workers",
    help: "Worker processes connected to the work queue, as Redis sees them.",
    registers: [registry],
    async collect() {
      const n = await within(source.workers());
      if (n !== null) this.set(n);
    },
  });
  new Gauge({
    name: "orgwatch_coordinator_lease_held",
    help: "1 while this coordinator holds the lease (schedules, records, alerts); 0 on a standby.",
    registers: [registry],
    collect() {
      this.set(source.leaseHeld() ? 1 : 0);
    },
  });
  const stalled = new Counter({
    name: "orgwatch_queue_stalled_total",
    help: "Check jobs whose worker stopped renewing their lock (killed), seen by BullMQ's stall check.",
    registers: [registry],
  });
  const reenqueued = new Counter({
    name: "orgwatch_queue_reenqueued_total",
    help: "Check jobs enqueued again because Redis no longer had them (restarted empty).",
    registers: [registry],
  });
  return { stalled: () => stalled.inc(), reenqueued: () => reenqueued.inc() };
}
