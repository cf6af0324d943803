import type { Clock } from "../platform/clock.js";
import { DueHeap } from "./heap.js";
import type { ScheduledRun, Scheduler } from "./types.js";

/** Options of the in-process scheduler. */
export interface InProcessOptions {
  concurrency: number;
  clock: Clock;
  run: ScheduledRun;
  /** Told how late each run started (ms after its due time). */
  onLag?: (lagMs: number) => void;
  /** Told about a run that threw (a bug: probes return failures as data). */
  onError?: (key: string, error: unknown) => void;
  /** Longest sleep between looks at the heap, so a clock jump is noticed. */
  maxSleepMs?: number;
}

/** The embedded scheduler: a min-heap of due times and a global concurrency limit. */
export class InProcessScheduler implements Scheduler {
  private readonly heap = new DueHeap();
  private readonly running = new Map<string, Promise<void>>();
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;

  constructor(private readonly options: InProcessOptions) {}

  get inFlight(): number {
    return this.running.size;
  }

  schedule(key: string, dueAt: number): void {
    this.known.add(key);
    if (!this.running.has(key)) this.heap.set(key, dueAt);
    this.wake();
  }

  unschedule(key: string): void {
    this.known.delete(key);
    this.heap.delete(key);
  }

  trigger(key: string): boolean {
    if (!this.known.has(key)) return false;
    if (!this.running.has(key)) this.heap.set(key, this.options.clock.now());
    this.wake();
    return true;
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
    const all = Promise.all(pending.map((p) => p.then(() => void finished++)));
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, graceMs);
    });
    await Promise.race([all, grace]);
    clearTimeout(graceTimer);
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
    this.timer = setTimeout(() => this.wake(), sleep);
  }

  private dispatch(): void {
    const now = this.options.clock.now();
    while (this.running.size < this.options.concurrency) {
      const next = this.heap.peek();
      if (!next || next.dueAt > now) return;
      this.heap.pop();
      this.options.onLag?.(Math.max(0, now - next.dueAt));
      this.running.set(next.key, this.execute(next.key, next.dueAt));
    }
  }

  private async execute(key: string, dueAt: number): Promise<void> {
    let nextAt: number;
    try {
      nextAt = await this.options.run(key, dueAt);
    } catch (error) {
      this.options.onError?.(key, error);
      nextAt = this.options.clock.now() + 60_000;
    } finally {
      this.running.delete(key);
    }
    if (this.known.has(key) && !this.stopping) this.heap.set(key, nextAt);
    this.wake();
  }
}
