/** Runs one scheduled unit of work and says when it is due next (epoch ms). */
export type ScheduledRun = (key: string, dueAt: number) => Promise<number>;

/**
 * Decides when work runs; the work itself lives in jobs/. The in-process scheduler is the
 * embedded default; a BullMQ one spreads the same runs over worker processes.
 */
export interface Scheduler {
  /** Schedules (or reschedules) a key at an epoch-ms time. */
  schedule(key: string, dueAt: number): void;
  /** Unschedules a key (an org removed from the config). */
  unschedule(key: string): void;
  /** Runs a key as soon as a slot is free; false when it is unknown. */
  trigger(key: string): boolean;
  start(): void;
  /** Stops taking work; waits up to `graceMs` for runs in flight, then abandons them. */
  stop(graceMs: number): Promise<{ finished: number; abandoned: number }>;
  /** Runs in flight now. */
  readonly inFlight: number;
}
