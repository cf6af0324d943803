/** The kinds of scheduled work; each has one handler, chosen by name, never by parsing a key. */
export const JOB_NAMES = ["check-org", "maintain"] as const;

/** One kind of scheduled work. */
export type JobName = (typeof JOB_NAMES)[number];

/** One scheduled unit: a job kind and the id it runs for (an org id, or "fleet" for maintain). */
export interface JobRef {
  name: JobName;
  id: string;
}

/** Runs one due unit of work and says when it is due next (epoch ms). */
export type JobHandler = (id: string, dueAt: number, signal: AbortSignal) => Promise<number>;

/** The handlers of every job kind. */
export type JobHandlers = Record<JobName, JobHandler>;

/** What `trigger` did: queued to run now, already running, or not scheduled at all. */
export type TriggerOutcome = "queued" | "running" | "unknown";

/**
 * Decides when work runs; the work itself lives in jobs/. The in-process scheduler is the
 * embedded default; a BullMQ one spreads the same runs over worker processes. Both pass the
 * contract suite in test/contract/scheduler.contract.ts.
 */
export interface Scheduler {
  /** Schedules (or reschedules) a unit at an epoch-ms time; a running unit keeps its own next. */
  schedule(job: JobRef, dueAt: number): void;
  /** Unschedules a unit (an org removed from the config); a run in flight is not rescheduled. */
  unschedule(job: JobRef): void;
  /** Runs a unit as soon as a slot is free. */
  trigger(job: JobRef): TriggerOutcome;
  start(): void;
  /**
   * Stops taking work; waits up to `graceMs` for runs in flight, then aborts their signals and
   * abandons them.
   */
  stop(graceMs: number): Promise<{ finished: number; abandoned: number }>;
  /** Runs in flight now. */
  readonly inFlight: number;
}
