/**
 * Scale-out end to end: `orgwatch run` (the coordinator) and two `orgwatch worker` processes on a
 * real redis-server, checking the simulator's orgs. Every org is checked by the workers and every
 * result is recorded in the coordinator's history; Redis holds no key, token or assertion.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { startRedis, uniquePrefix, type RedisServer } from "../helpers/redis.js";
import { queryDb, runFixture, type RunFixture } from "../helpers/run-fixture.js";
import { redisDump, sample, startWorker, type WorkerProcess } from "../helpers/scaleout.js";
import { ensureBinaries, run } from "../helpers/system.js";

const ORGS: FleetOrg[] = [
  ...Array.from({ length: 6 }, (_, i) => ({ id: `s-${String(i)}`, scenario: "healthy" })),
  { id: "s-down", scenario: "user_not_preauthorized" },
];

let redis: RedisServer;
let fx: RunFixture;
let coordinator: OrgwatchProcess | null = null;
const PREFIX = uniquePrefix("run");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  ensureBinaries(["promtool"]);
  redis = await startRedis();
  fx = await runFixture(ORGS, {
    scheduler: { kind: "redis", redisUrl: redis.url, prefix: PREFIX, concurrency: 8 },
    defaults: { interval: "2s", maxBackoff: "2s", timeout: "2s", loginBudgetPerHour: 3600 },
  });
}, 60_000);

afterAll(async () => {
  await coordinator?.stop("SIGKILL");
  for (const w of workers) await w.stop("SIGKILL");
  await fx?.close();
  await redis?.stop();
});

describe("orgwatch run with scheduler.kind redis and two workers", () => {
  it("checks every org on the workers and records every result in the history", async () => {
    const env = { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: fx.id.privateKeyPem };
    workers.push(await startWorker(fx.config, env, ["--concurrency", "4"]));
    workers.push(await startWorker(fx.config, env, ["--concurrency", "4"]));
    coordinator = await startOrgwatch(fx.config, env);
    const checked = (): Map<string, number> =>
      new Map(
        queryDb<{ org_id: string; n: number }>(
          fx.dbFile,
          "SELECT org_id, COUNT(*) AS n FROM checks GROUP BY org_id",
        ).map((r) => [r.org_id, r.n]),
      );
    await waitUntil(
      "every org checked twice",
      () => ORGS.every((o) => (checked().get(o.id) ?? 0) >= 2),
      30_000,
    );
    const down = queryDb<{ state: string; cause: string }>(
      fx.dbFile,
      "SELECT state, cause FROM org_state WHERE org_id = 's-down'",
    );
    expect(down[0]).toMatchObject({ cause: "user_not_preauthorized" });
    const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
    expect(sample(metrics, "orgwatch_coordinator_lease_held")).toBe(1);
    expect(sample(metrics, "orgwatch_queue_workers")).toBe(2);
    expect(sample(metrics, 'orgwatch_queue_jobs{state="completed"}')).toBeGreaterThan(0);
    expect(sample(metrics, "orgwatch_queue_stalled_total")).toBe(0);
    const lint = run("promtool", ["check", "metrics"], metrics);
    expect(lint.output).toBe("");
    expect((await fetch(`${coordinator.url}/readyz`)).status).toBe(200);
    // Both workers are connected and neither logged a failure.
    for (const w of workers) expect(w.output()).not.toMatch(/failed|error/i);
    const dump = await redisDump(redis.port);
    expect(dump).toContain("check-org@s-0@");
    const keyBody = fx.id.privateKeyPem.split("\n").slice(1, 3).join("");
    expect(dump).not.toContain(keyBody.slice(0, 40));
    expect(dump).not.toMatch(
      /PRIVATE KEY|eyJ[A-Za-z0-9_-]{10}|00D[A-Za-z0-9]{12}!AQ|access_token|Bearer /,
    );
  }, 60_000);

  it("a coordinator whose lease is taken stops at once, stays up as a standby, and leads again", async () => {
    const c = coordinator;
    if (!c) throw new Error("the first test starts the coordinator");
    const held = async (): Promise<number | null> =>
      sample(await (await fetch(`${c.url}/metrics`)).text(), "orgwatch_coordinator_lease_held");
    const lastCheck = (): number =>
      queryDb<{ at: number | null }>(fx.dbFile, "SELECT MAX(started_at) AS at FROM checks")[0]
        ?.at ?? 0;
    const thief = new Redis({ host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: 1 });
    try {
      // Another coordinator's token replaces ours (a partition that healed late, say).
      // It lives 8 s: longer than the coordinator needs to notice (a renewal every ttl/3, 3.3 s)
      // plus the quiet window below, so no takeover can land inside that window.
      await thief.set(`${PREFIX}:coordinator:lease`, "999999.thief", "PX", 8000);
      await waitUntil("the coordinator to stand by", async () => (await held()) === 0, 10_000);
      expect((await fetch(`${c.url}/readyz`)).status).toBe(503);
      const stoodBy = Date.now();
      // Nothing is checked while the other holds the lease (a pass already in flight may land).
      await new Promise((r) => setTimeout(r, 1500));
      expect(lastCheck()).toBeLessThan(stoodBy);
      // The thief never renews: its lease expires and this coordinator takes it back.
      await waitUntil("the lease taken back", async () => (await held()) === 1, 15_000);
      const back = Date.now();
      await waitUntil("checks recorded again", () => lastCheck() > back, 15_000);
      expect((await fetch(`${c.url}/readyz`)).status).toBe(200);
      expect(c.output()).toMatch(/lost the coordinator lease; standing by/);
    } finally {
      thief.disconnect();
    }
  }, 60_000);
});
