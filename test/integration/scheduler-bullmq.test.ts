/**
 * The BullMQ scheduler against a real redis-server on a private loopback port: the same contract
 * suite as the in-process one (each test with its own queue prefix), then what only it does:
 * one coordinator at a time holds the lease, and a standby takes over when the holder is gone.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { BullMqScheduler } from "../../src/scheduler/bullmq.js";
import type { JobHandlers } from "../../src/scheduler/types.js";
import { schedulerContract } from "../contract/scheduler.contract.js";
import { startRedis, testRedis, uniquePrefix, type RedisServer } from "../helpers/redis.js";

let redis: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await testRedis();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

async function waitFor(probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function client(): Redis {
  const c = new Redis({ host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null });
  c.on("error", () => undefined);
  clients.push(c);
  return c;
}

schedulerContract("BullMQ on Redis", (input) => {
  const s = new BullMqScheduler({
    redisUrl: redis.url,
    redis: client(),
    prefix: uniquePrefix("contract"),
    leaseTtlMs: 3000,
    ...input,
    maxSleepMs: 2,
  });
  return s;
});

describe("BullMQ scheduler: the coordinator lease", () => {
  const T0 = Date.UTC(2026, 10, 1, 12);

  function coordinator(
    prefix: string,
    ran: string[],
    label: string,
    onLost?: (why: string) => void,
    onLeader?: () => Promise<void>,
    onTakeoverFailed?: (why: string) => void,
  ) {
    const handlers: JobHandlers = {
      "check-org": (id) => {
        ran.push(`${label}:${id}`);
        return Promise.resolve(Number.MAX_SAFE_INTEGER);
      },
      maintain: () => Promise.resolve(Number.MAX_SAFE_INTEGER),
    };
    const lease = client();
    const s = new BullMqScheduler({
      redisUrl: redis.url,
      redis: lease,
      prefix,
      leaseTtlMs: 1200,
      leaseRetryMs: 100,
      concurrency: 2,
      clock: new ManualClock(T0),
      handlers,
      maxSleepMs: 5,
      ...(onLost ? { onLost } : {}),
      ...(onLeader ? { onLeader } : {}),
      ...(onTakeoverFailed ? { onTakeoverFailed } : {}),
    });
    return { s, lease };
  }

  it("only the holder runs units; a standby takes over when the holder stops", async () => {
    const prefix = uniquePrefix("lease");
    const ran: string[] = [];
    const a = coordinator(prefix, ran, "a");
    a.s.schedule({ name: "check-org", id: "x" }, T0);
    a.s.start();
    expect(await a.s.led()).toBe(true);
    const b = coordinator(prefix, ran, "b");
    b.s.schedule({ name: "check-org", id: "x" }, T0);
    b.s.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(b.s.leader).toBe(false);
    expect(ran).toEqual(["a:x"]);
    await a.s.stop(50);
    expect(await b.s.led()).toBe(true);
    await b.s.stop(50);
    expect(ran).toEqual(["a:x", "b:x"]);
  });

  it("a holder that cannot renew stops before its lease expires; the next holder has a larger token", async () => {
    const prefix = uniquePrefix("fence");
    const ran: string[] = [];
    let lostAt = 0;
    const a = coordinator(prefix, ran, "a", () => {
      lostAt = Date.now();
    });
    a.s.start();
    expect(await a.s.led()).toBe(true);
    const tokenA = a.s.fencingToken ?? "";
    // The holder's lease connection dies (a partition): it can no longer renew.
    a.lease.disconnect();
    const b = coordinator(prefix, ran, "b");
    b.s.start();
    expect(await b.s.led()).toBe(true);
    const tookAt = Date.now();
    expect(lostAt).toBeGreaterThan(0);
    expect(lostAt).toBeLessThanOrEqual(tookAt);
    expect(a.s.leader).toBe(false);
    const tokenB = b.s.fencingToken ?? "";
    expect(Number(tokenB.split(".")[0])).toBeGreaterThan(Number(tokenA.split(".")[0]));
    await a.s.stop(10);
    await b.s.stop(10);
  });

  it("a holder whose lease is taken stops at once, stands by, and leads again when it is free", async () => {
    const prefix = uniquePrefix("regain");
    const key = `${prefix}:coordinator:lease`;
    const ran: string[] = [];
    const lost: string[] = [];
    let leads = 0;
    const a = coordinator(
      prefix,
      ran,
      "a",
      (why) => lost.push(why),
      () => {
        // What the runtime does on taking the lease: schedule every unit again.
        leads += 1;
        a.s.schedule({ name: "check-org", id: `x${String(leads)}` }, T0);
        return Promise.resolve();
      },
    );
    a.s.start();
    expect(await a.s.led()).toBe(true);
    await waitFor(() => ran.includes("a:x1"));
    // Another coordinator's token replaces ours (a partition healed late, say).
    const thief = client();
    await thief.set(key, "999.thief", "PX", 1500);
    await waitFor(() => lost.length === 1);
    expect(lost).toEqual(["another coordinator holds it"]);
    expect(a.s.leader).toBe(false);
    // Standing by: a unit scheduled now does not run while the other holds the lease.
    a.s.schedule({ name: "check-org", id: "while-standby" }, T0);
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toEqual(["a:x1"]);
    // The thief's lease expires unrenewed: a takes it back, catches up and runs again.
    await waitFor(() => a.s.leader && ran.includes("a:x2"), 10_000);
    expect(leads).toBe(2);
    // What was scheduled while standing by waited for the lease, and runs now.
    await waitFor(() => ran.includes("a:while-standby"));
    expect(await thief.get(key)).toBe(a.s.fencingToken);
    await a.s.stop(10);
  });

  it("a holder cut off from Redis loses the lease, and a Redis back empty never sees it again", async () => {
    // Its own Redis: this test stops it, and restarts it empty after 1.5 s (over 3/4 of the ttl).
    const own = await startRedis();
    const prefix = uniquePrefix("outage");
    const key = `${prefix}:coordinator:lease`;
    const lease = new Redis({
      host: "127.0.0.1",
      port: own.port,
      maxRetriesPerRequest: null,
      retryStrategy: () => 50,
    });
    lease.on("error", () => undefined);
    const lost: string[] = [];
    const s = new BullMqScheduler({
      redisUrl: own.url,
      redis: lease,
      prefix,
      leaseTtlMs: 1200,
      leaseRetryMs: 100,
      concurrency: 1,
      clock: new ManualClock(T0),
      handlers: {
        "check-org": () => Promise.resolve(Number.MAX_SAFE_INTEGER),
        maintain: () => Promise.resolve(Number.MAX_SAFE_INTEGER),
      },
      onLost: (why) => lost.push(why),
      onRedisError: () => undefined,
    });
    const probe = new Redis({ host: "127.0.0.1", port: own.port, retryStrategy: () => 50 });
    probe.on("error", () => undefined);
    try {
      s.start();
      expect(await s.led()).toBe(true);
      const old = s.fencingToken;
      await own.restart(1500);
      expect(lost).toEqual(["not renewed in time (Redis unreachable?)"]);
      // Until it leads again, the key is empty or the new holder's: a renewal queued or resent
      // while offline must not bring the lost lease back for another ttl.
      const seen: Array<string | null> = [];
      const deadline = Date.now() + 10_000;
      while (!s.leader && Date.now() < deadline) {
        seen.push(await probe.get(key).catch(() => null));
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(s.leader).toBe(true);
      expect(seen).not.toContain(old);
      expect(s.fencingToken).not.toBe(old);
    } finally {
      await s.stop(10);
      lease.disconnect();
      probe.disconnect();
      await own.stop();
    }
  }, 30_000);

  it("a leader that cannot catch up runs nothing and lets the lease go at once", async () => {
    const prefix = uniquePrefix("catchup");
    const ran: string[] = [];
    const lost: string[] = [];
    const a = coordinator(
      prefix,
      ran,
      "a",
      (why) => lost.push(`lost: ${why}`),
      () => Promise.reject(new Error("history unreadable")),
      (why) => lost.push(why),
    );
    a.s.schedule({ name: "check-org", id: "x" }, T0);
    a.s.start();
    expect(await a.s.led()).toBe(false);
    expect(lost).toEqual(["could not take over (history unreadable)"]);
    expect(await a.lease.get(`${prefix}:coordinator:lease`)).toBeNull();
    const b = coordinator(prefix, ran, "b");
    b.s.schedule({ name: "check-org", id: "x" }, T0);
    b.s.start();
    expect(await b.s.led()).toBe(true);
    await b.s.stop(50);
    await a.s.stop(10);
    expect(ran).toEqual(["b:x"]);
  });
});
