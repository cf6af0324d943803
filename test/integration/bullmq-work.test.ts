/**
 * The scale-out work queue against a real redis-server: a job that Redis lost (restarted without
 * persistence) is added again under its own id by the sweep, and the waiting coordinator still
 * gets its result; a job is added once however often it is submitted.
 */
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BullMqWorkQueue,
  startWorkProcessor,
  type WorkEvent,
} from "../../src/scheduler/bullmq-work.js";
import { redisOptions } from "../../src/scheduler/redis.js";
import { testRedis, uniquePrefix, type RedisServer } from "../helpers/redis.js";

let redis: RedisServer;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  redis = await testRedis();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis.stop();
});

function workQueue(prefix: string, events: Array<[WorkEvent, string]>): BullMqWorkQueue {
  const q = new BullMqWorkQueue({
    connection: redisOptions(redis.url),
    prefix,
    sweepMs: 200,
    onEvent: (event, jobId) => events.push([event, jobId]),
  });
  closers.push(() => q.close());
  return q;
}

function worker(prefix: string, ran: string[]): Worker {
  const w = startWorkProcessor({
    connection: redisOptions(redis.url),
    prefix,
    concurrency: 2,
    name: `test-worker-${prefix}`,
    stalledAfterMs: 5000,
    process: (name, data) => {
      const { n } = data as { n: number };
      ran.push(`${name}:${String(n)}`);
      return Promise.resolve({ doubled: n * 2 });
    },
  });
  closers.push(() => w.close());
  return w;
}

async function until(what: string, probe: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("BullMQ work queue", () => {
  it("adds a job Redis lost again under its id, and the result still reaches the waiter", async () => {
    const prefix = uniquePrefix("work-lost");
    const events: Array<[WorkEvent, string]> = [];
    const q = workQueue(prefix, events);
    await q.ready();
    const result = q.submit(
      "check-org",
      "check-org@acme@1",
      { n: 21 },
      new AbortController().signal,
    );
    await until(
      "the job in Redis",
      async () => (await q.queue.getJob("check-org@acme@1")) !== undefined,
    );
    // What a restart without persistence does to this queue: every key under it is gone.
    await q.queue.obliterate({ force: true });
    expect(await q.queue.getJob("check-org@acme@1")).toBeUndefined();
    await until("the sweep to add it again", () =>
      events.some(([e, id]) => e === "re-enqueued" && id === "check-org@acme@1"),
    );
    const ran: string[] = [];
    worker(prefix, ran);
    expect(await result).toEqual({ doubled: 42 });
    expect(ran).toEqual(["check-org:21"]);
  });

  it("runs a job submitted twice under one id once, and answers both waits", async () => {
    const prefix = uniquePrefix("work-once");
    const q = workQueue(prefix, []);
    await q.ready();
    const signal = new AbortController().signal;
    const first = q.submit("check-org", "check-org@acme@2", { n: 1 }, signal);
    await until(
      "the job in Redis",
      async () => (await q.queue.getJob("check-org@acme@2")) !== undefined,
    );
    // A standby that took over submits what it adopted again under the same id.
    const again = new BullMqWorkQueue({ connection: redisOptions(redis.url), prefix });
    closers.push(() => again.close());
    await again.ready();
    const second = again.submit("check-org", "check-org@acme@2", { n: 1 }, signal);
    const ran: string[] = [];
    worker(prefix, ran);
    expect(await Promise.all([first, second])).toEqual([{ doubled: 2 }, { doubled: 2 }]);
    expect(ran).toEqual(["check-org:1"]);
  });
});
