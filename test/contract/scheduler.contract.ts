/**
 * The contract every Scheduler implementation passes: the in-process one here, the BullMQ one
 * with the scale-out work. Time is a manual clock the test moves; implementations look at it at
 * least every few milliseconds (maxSleepMs), so nothing waits on the wall clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import type { JobHandlers, JobRef, Scheduler } from "../../src/scheduler/types.js";

/** What the contract gives an implementation to build itself with (spread it into the options). */
export interface SchedulerFactoryInput {
  clock: ManualClock;
  handlers: JobHandlers;
  concurrency: number;
  retryAfterMs: number;
  onError?: (job: JobRef, error: unknown) => void;
}

/** Builds a scheduler under test (and may return a cleanup). */
export type SchedulerFactory = (input: SchedulerFactoryInput) => Scheduler | Promise<Scheduler>;

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const INTERVAL = 60_000;

async function until(what: string, cond: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const org = (id: string): JobRef => ({ name: "check-org", id });

/** Registers the Scheduler contract tests for one implementation. */
export function schedulerContract(label: string, factory: SchedulerFactory): void {
  describe(`Scheduler contract: ${label}`, () => {
    let scheduler: Scheduler | null = null;
    afterEach(async () => {
      await scheduler?.stop(50);
      scheduler = null;
    });

    async function build(
      handlers: Partial<JobHandlers>,
      opts: { concurrency?: number; onError?: SchedulerFactoryInput["onError"] } = {},
    ): Promise<{ clock: ManualClock; s: Scheduler }> {
      const clock = new ManualClock(T0);
      const never = (): Promise<number> => Promise.resolve(Number.MAX_SAFE_INTEGER);
      const input: SchedulerFactoryInput = {
        clock,
        handlers: {
          "check-org": handlers["check-org"] ?? never,
          maintain: handlers.maintain ?? never,
        },
        concurrency: opts.concurrency ?? 4,
        retryAfterMs: 30_000,
      };
      if (opts.onError) input.onError = opts.onError;
      scheduler = await factory(input);
      return { clock, s: scheduler };
    }

    it("runs each due unit once, by job name, within the concurrency limit", async () => {
      const ran: string[] = [];
      let active = 0;
      let peak = 0;
      const { s } = await build(
        {
          "check-org": async (id) => {
            active++;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 5));
            active--;
            ran.push(`check-org:${id}`);
            return T0 + 3_600_000;
          },
          maintain: (id) => {
            ran.push(`maintain:${id}`);
            return Promise.resolve(T0 + 3_600_000);
          },
        },
        { concurrency: 3 },
      );
      for (let i = 0; i < 10; i++) s.schedule(org(`o${i}`), T0);
      // The same id under another job name is another unit.
      s.schedule({ name: "maintain", id: "o1" }, T0);
      s.schedule(org("later"), T0 + INTERVAL);
      s.start();
      await until("11 runs", () => ran.length === 11);
      expect(ran.filter((r) => r.startsWith("check-org:")).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `check-org:o${i}`).sort(),
      );
      expect(ran).toContain("maintain:o1");
      expect(ran).not.toContain("check-org:later");
      expect(peak).toBeLessThanOrEqual(3);
    });

    it("a unit runs again at the time its run returned", async () => {
      const at: number[] = [];
      const { clock, s } = await build({
        "check-org": (_id, dueAt) => {
          at.push(dueAt);
          return Promise.resolve(dueAt + INTERVAL);
        },
      });
      s.schedule(org("a"), T0);
      s.start();
      await until("first run", () => at.length === 1);
      clock.advance(INTERVAL - 1);
      await new Promise((r) => setTimeout(r, 30));
      expect(at).toHaveLength(1);
      clock.advance(1);
      await until("second run", () => at.length === 2);
      expect(at).toEqual([T0, T0 + INTERVAL]);
    });

    it("check-now runs a unit once and leaves a single schedule behind", async () => {
      const at: number[] = [];
      const { clock, s } = await build({
        "check-org": (id, dueAt) => {
          if (id !== "a") return Promise.resolve(T0 + 1000 * INTERVAL);
          at.push(dueAt);
          return Promise.resolve(clock.now() + INTERVAL);
        },
      });
      // Another unit due earlier keeps a's old entry below the top of the heap, as in a fleet.
      s.schedule(org("b"), T0 + INTERVAL / 4);
      s.schedule(org("a"), T0 + INTERVAL / 2);
      s.start();
      expect(s.trigger(org("nope"))).toBe("unknown");
      expect(s.trigger(org("a"))).toBe("queued");
      await until("forced run", () => at.length === 1);
      // Five more intervals in half steps: one run per interval, never one at the old slot too
      // (a revived stale entry doubled the schedule forever).
      for (let half = 1; half <= 10; half++) {
        clock.advance(INTERVAL / 2);
        await new Promise((r) => setTimeout(r, 15));
        expect(at).toHaveLength(1 + Math.floor(half / 2));
      }
      expect(at).toHaveLength(6);
    });

    it("check-now while the unit runs answers running and adds no run", async () => {
      let release: (v: number) => void = () => {};
      let runs = 0;
      const { s } = await build({
        "check-org": () => {
          runs++;
          return new Promise<number>((r) => (release = r));
        },
      });
      s.schedule(org("a"), T0);
      s.start();
      await until("run started", () => runs === 1);
      expect(s.trigger(org("a"))).toBe("running");
      release(T0 + INTERVAL);
      await new Promise((r) => setTimeout(r, 30));
      expect(runs).toBe(1);
    });

    it("a run that throws is told and rescheduled at now + retryAfter", async () => {
      const errors: string[] = [];
      const at: number[] = [];
      const { clock, s } = await build(
        {
          "check-org": (_id, dueAt) => {
            at.push(dueAt);
            return at.length === 1
              ? Promise.reject(new Error("bug"))
              : Promise.resolve(dueAt + INTERVAL);
          },
        },
        { onError: (job) => errors.push(job.id) },
      );
      s.schedule(org("a"), T0);
      s.start();
      await until("failed run", () => errors.length === 1);
      clock.advance(29_999);
      await new Promise((r) => setTimeout(r, 30));
      expect(at).toHaveLength(1);
      clock.advance(1);
      await until("retry", () => at.length === 2);
      expect(at[1]).toBe(T0 + 30_000);
      expect(errors).toEqual(["a"]);
    });

    it("an unscheduled unit does not run again", async () => {
      let runs = 0;
      const { clock, s } = await build({
        "check-org": (_id, dueAt) => {
          runs++;
          return Promise.resolve(dueAt + INTERVAL);
        },
      });
      s.schedule(org("a"), T0);
      s.start();
      await until("first run", () => runs === 1);
      s.unschedule(org("a"));
      clock.advance(3 * INTERVAL);
      await new Promise((r) => setTimeout(r, 30));
      expect(runs).toBe(1);
      expect(s.trigger(org("a"))).toBe("unknown");
    });

    it("stop waits for runs in flight, then aborts and abandons what hangs", async () => {
      let aborted = false;
      let started = 0;
      const { s } = await build({
        "check-org": (id, _due, signal) => {
          started++;
          if (id === "quick") return new Promise((r) => setTimeout(() => r(T0 + INTERVAL), 10));
          return new Promise<number>((_r, reject) => {
            signal.addEventListener("abort", () => {
              aborted = true;
              reject(new Error("aborted"));
            });
          });
        },
      });
      s.schedule(org("quick"), T0);
      s.schedule(org("hang"), T0);
      s.start();
      await until("both started", () => started === 2);
      expect(await s.stop(200)).toEqual({ finished: 1, abandoned: 1 });
      expect(aborted).toBe(true);
      scheduler = null;
    });
  });
}
