/**
 * Scale-out end to end: `orgwatch run` (the coordinator) and two `orgwatch worker` processes on a
 * real redis-server, checking the simulator's orgs. Every org is checked by the workers and every
 * result is recorded in the coordinator's history; Redis holds no key, token or assertion.
 */
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
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  ensureBinaries(["promtool"]);
  redis = await startRedis();
  fx = await runFixture(ORGS, {
    scheduler: { kind: "redis", redisUrl: redis.url, prefix: uniquePrefix("run"), concurrency: 8 },
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
});
