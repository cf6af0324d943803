import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/platform/clock.js";
import { DueHeap } from "../../src/scheduler/heap.js";
import { InProcessScheduler } from "../../src/scheduler/inprocess.js";

describe("due heap", () => {
  it("pops in due order and honours reschedules and deletes", () => {
    const heap = new DueHeap();
    const order = [50, 10, 40, 30, 20];
    order.forEach((due, i) => heap.set(`k${i}`, due));
    heap.set("k0", 5);
    heap.delete("k2");
    const popped: string[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) popped.push(`${e.key}@${e.dueAt}`);
    expect(popped).toEqual(["k0@5", "k1@10", "k4@20", "k3@30"]);
    expect(heap.size).toBe(0);
  });
});

describe("in-process scheduler", () => {
  it("runs every due key once and never exceeds the concurrency limit", async () => {
    let active = 0;
    let peak = 0;
    const ran: string[] = [];
    const lags: number[] = [];
    let resolveAll: () => void = () => {};
    const allDone = new Promise<void>((r) => (resolveAll = r));
    const scheduler = new InProcessScheduler({
      concurrency: 3,
      clock: systemClock,
      onLag: (ms) => lags.push(ms),
      run: async (key) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        ran.push(key);
        if (ran.length === 20) resolveAll();
        return systemClock.now() + 3_600_000;
      },
    });
    const now = systemClock.now();
    for (let i = 0; i < 20; i++) scheduler.schedule(`org-${i}`, now);
    scheduler.schedule("later", now + 3_600_000);
    scheduler.start();
    await allDone;
    expect(new Set(ran).size).toBe(20);
    expect(ran).not.toContain("later");
    expect(peak).toBe(3);
    expect(lags).toHaveLength(20);
    await scheduler.stop(100);
  });

  it("trigger runs a key now; unknown keys are refused", async () => {
    const ran: string[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    const scheduler = new InProcessScheduler({
      concurrency: 1,
      clock: systemClock,
      run: (key) => {
        ran.push(key);
        done();
        return Promise.resolve(systemClock.now() + 3_600_000);
      },
    });
    scheduler.schedule("a", systemClock.now() + 3_600_000);
    scheduler.start();
    expect(scheduler.trigger("nope")).toBe(false);
    expect(scheduler.trigger("a")).toBe(true);
    await finished;
    expect(ran).toEqual(["a"]);
    await scheduler.stop(100);
  });

  it("stop waits for runs in flight, then abandons what hangs", async () => {
    let started: () => void = () => {};
    const isStarted = new Promise<void>((r) => (started = r));
    const scheduler = new InProcessScheduler({
      concurrency: 2,
      clock: systemClock,
      run: (key) => {
        started();
        return key === "quick"
          ? new Promise((r) => setTimeout(() => r(0), 10))
          : new Promise<number>(() => {});
      },
    });
    scheduler.schedule("quick", systemClock.now());
    scheduler.schedule("hang", systemClock.now());
    scheduler.start();
    await isStarted;
    const outcome = await scheduler.stop(200);
    expect(outcome).toEqual({ finished: 1, abandoned: 1 });
  });

  it("a run that throws is retried later, not lost", async () => {
    const errors: string[] = [];
    let failed: () => void = () => {};
    const hasFailed = new Promise<void>((r) => (failed = r));
    const scheduler = new InProcessScheduler({
      concurrency: 1,
      clock: systemClock,
      onError: (key) => {
        errors.push(key);
        failed();
      },
      run: () => Promise.reject(new Error("bug")),
    });
    scheduler.schedule("a", systemClock.now());
    scheduler.start();
    await hasFailed;
    expect(errors).toEqual(["a"]);
    expect(scheduler.trigger("a")).toBe(true);
    await scheduler.stop(50);
  });
});
