import { describe, expect, it } from "vitest";
import { DueHeap } from "../../src/scheduler/heap.js";
import { InProcessScheduler } from "../../src/scheduler/inprocess.js";
import { schedulerContract } from "../contract/scheduler.contract.js";

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

  it("a key set again after a pop is not revived by its older stale entry", () => {
    const heap = new DueHeap();
    heap.set("a", 100);
    heap.set("a", 10); // check-now: the entry at 100 is now stale
    expect(heap.pop()).toEqual({ key: "a", dueAt: 10 });
    heap.set("a", 200); // the run's next due time
    expect(heap.pop()).toEqual({ key: "a", dueAt: 200 });
    expect(heap.pop()).toBeUndefined();
  });

  it("stale entries do not pile up under repeated reschedules", () => {
    const heap = new DueHeap();
    for (let i = 0; i < 100; i++) heap.set(`k${i}`, i);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) heap.set(`k${i}`, 1000 * round + i);
    }
    expect(heap.size).toBe(100);
    expect(heap.capacity).toBeLessThanOrEqual(201);
    const popped: number[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) popped.push(e.dueAt);
    expect(popped).toEqual(Array.from({ length: 100 }, (_, i) => 49_000 + i));
  });
});

schedulerContract("in-process", (input) => {
  return new InProcessScheduler({ ...input, maxSleepMs: 2 });
});
