import type { Clock } from "../platform/clock.js";
import { DueHeap } from "./heap.js";
import type { JobHandlers, JobRef, Scheduler, TriggerOutcome } from "./types.js";

/** Options of the in-process scheduler. */
export interface InProcessOptions {
  concurrency: number;
  clock: Clock;
  handlers: JobHandlers;
  /** Told how late each run started (ms after its due time). */
  onLag?: (lagMs: number, job: JobRef) => void;
  /** Told about a run that threw (a bug: probes return failures as data). */
  onError?: (job: JobRef, error: unknown) => void;
  /** When a run that threw is tried again (ms after it threw); default one minute. */
  retryAfterMs?: number;
  /** Longest sleep between looks at the heap, so a clock jump is noticed. */
  maxSleepMs?: number;
}

interface Running {
  done: Promise<void>;
  abort: AbortController;
}

/** The heap key of a unit; only a map key, never parsed back. */
function keyOf(job: JobRef): string {
  return `${job.name}\u001f${job.id}`;
}

/** The embedded scheduler: a min-heap of due times and one global concurrency limit. */
export class InProcessScheduler implements Scheduler {
  private readonly heap = new DueHeap();
  private readonly running = new Map<string, Running>();
  private readonly known = new Map<string, JobRef>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;

  constructor(private readonly options: InProcessOptions) {}

  get inFlight(): number {
    return this.running.size;
  }

  /** Units scheduled and heap entries held (stale included), for tests and the bench. */
  get sizes(): { scheduled: number; heapEntries: number } {
    return { scheduled: this.heap.size, heapEntries: this.heap.capacity };
  }

  schedule(job: JobRef, dueAt: number): void {
    const key = keyOf(job);
    this.known.set(key, job);
    if (!this.running.has(key)) this.heap.set(key, dueAt);
    this.wake();
  }

  unschedule(job: JobRef): void {
    const key = keyOf(job);
    this.known.delete(key);
    this.heap.delete(key);
  }

  trigger(job: JobRef): TriggerOutcome {
    const key = keyOf(job);
    if (!this.known.has(key)) return "unknown";
    if (this.running.has(key)) return "running";
    this.heap.set(key, this.options.clock.now());
    this.wake();
    return "queued";
  }

  start(): void {
    this.started = true;
    this.wake();
  }

  async stop(graceMs: number): Promise<{ finished: number; abandoned: number }> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = [...this.running.values()];
    let finished = 0;
    const all = Promise.all(
      pending.map((r) =>
        r.done.then(() => {
          finished += 1;
        }),
      ),
    );
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, graceMs);
    });
    await Promise.race([all, grace]);
    clearTimeout(graceTimer);
    for (const r of pending) r.abort.abort(new Error("orgwatch is shutting down"));
    return { finished, abandoned: pending.length - finished };
  }

  private wake(): void {
    if (!this.started || this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dispatch();
    const next = this.heap.peek();
    if (!next || this.running.size >= this.options.concurrency) return;
    const sleep = Math.max(
      0,
      Math.min(next.dueAt - this.options.clock.now(), this.options.maxSleepMs ?? 1000),
    );
    this.timer = setTimeout(() => {
      this.wake();
    }, sleep);
  }

  private dispatch(): void {
    const now = this.options.clock.now();
    while (this.running.size < this.options.concurrency) {
      const next = this.heap.peek();
      if (!next || next.dueAt > now) return;
      this.heap.pop();
      const job = this.known.get(next.key);
      if (!job) continue;
      this.options.onLag?.(Math.max(0, now - next.dueAt), job);
      const abort = new AbortController();
      this.running.set(next.key, { done: this.execute(job, next.dueAt, abort.signal), abort });
    }
  }

  private async execute(job: JobRef, dueAt: number, signal: AbortSignal): Promise<void> {
    const key = keyOf(job);
    let nextAt: number;
    try {
      nextAt = await this.options.handlers[job.name](job.id, dueAt, signal);
    } catch (error) {
      this.options.onError?.(job, error);
      nextAt = this.options.clock.now() + (this.options.retryAfterMs ?? 60_000);
    } finally {
      this.running.delete(key);
    }
    if (this.known.has(key) && !this.stopping) this.heap.set(key, nextAt);
    this.wake();
  }
}
