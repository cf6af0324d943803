/**
 * Scale-out failover with real processes: coordinators (`orgwatch run`, scheduler.kind redis),
 * `orgwatch worker`s, a real redis-server, the simulator and a local Slack Web API peer. The
 * active coordinator and a worker are killed mid-run, then Redis restarts empty; afterwards every
 * org is still checked on schedule, none twice in an interval, each incident has one Slack
 * thread, and Redis never held a key or token. Intervals are compressed to seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackServer, type StoredMessage } from "../../scripts/sinks/slack-server.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { startRedis, uniquePrefix, type RedisServer } from "../helpers/redis.js";
import { queryDb, runFixture, type RunFixture } from "../helpers/run-fixture.js";
import {
  freshActiveJobs,
  redisDump,
  sample,
  startWorker,
  type WorkerProcess,
} from "../helpers/scaleout.js";
import { oncallSlackNotifier, startAlertSlack } from "../helpers/slack.js";

const TOKEN = "xoxb-orgwatch-scaleout-0123456789";
const CHANNEL = "C0ALERTS";
const INTERVAL_MS = 8000;
// Two causes, so each incident is its own thread (one cause at once would be one grouped thread).
const DOWN = ["f-down-1", "f-down-2"];
const CAUSES = ["user_not_preauthorized", "api_disabled"];
const HEALTHY = Array.from({ length: 7 }, (_, i) => `f-${String(i)}`);
const ORGS: FleetOrg[] = [
  ...HEALTHY.map((id) => ({ id, scenario: "healthy" })),
  ...DOWN.map((id, i) => ({ id, scenario: CAUSES[i] ?? "api_disabled" })),
];

let redis: RedisServer;
let slack: SlackServer;
let fx: RunFixture;
const PREFIX = uniquePrefix("failover");
const procs: Array<OrgwatchProcess | WorkerProcess> = [];

const env = (): Record<string, string> => ({
  ORGWATCH_RESOLVE: RESOLVE,
  TEST_KEY: fx.id.privateKeyPem,
  SLACK_TOKEN: TOKEN,
});

async function coordinator(): Promise<OrgwatchProcess> {
  const p = await startOrgwatch(fx.config, env());
  procs.push(p);
  return p;
}

async function worker(): Promise<WorkerProcess> {
  const w = await startWorker(fx.config, env(), ["--concurrency", "4"]);
  procs.push(w);
  return w;
}

async function status(p: OrgwatchProcess, path: string): Promise<number> {
  return (await fetch(`${p.url}${path}`)).status;
}

async function metric(p: OrgwatchProcess, series: string): Promise<number | null> {
  return sample(await (await fetch(`${p.url}/metrics`)).text(), series);
}

/** started_at of every recorded check, by org, oldest first. */
function checks(): Map<string, number[]> {
  const rows = queryDb<{ org_id: string; started_at: number }>(
    fx.dbFile,
    "SELECT org_id, started_at FROM checks ORDER BY started_at",
  );
  const by = new Map<string, number[]>();
  for (const r of rows) by.set(r.org_id, [...(by.get(r.org_id) ?? []), r.started_at]);
  return by;
}

function threadOf(m: StoredMessage): string {
  const payload = m.metadata?.event_payload ?? {};
  return typeof payload.thread_id === "string" ? payload.thread_id : "";
}

function roots(org: string): StoredMessage[] {
  return slack.messages(CHANNEL).filter((m) => threadOf(m).startsWith(`oncall:${org}:`));
}

beforeAll(async () => {
  redis = await startRedis();
  slack = await startAlertSlack(TOKEN, CHANNEL);
  fx = await runFixture(ORGS, {
    scheduler: {
      kind: "redis",
      redisUrl: redis.url,
      prefix: PREFIX,
      concurrency: 8,
      leaseTtl: "5s",
      stalledAfter: "2s",
    },
    defaults: {
      interval: `${String(INTERVAL_MS / 1000)}s`,
      maxBackoff: `${String(INTERVAL_MS / 1000)}s`,
      timeout: "3s",
      failureThreshold: 1,
      loginBudgetPerHour: 3600,
    },
    alerting: { groupWait: "1s", updateInterval: "1s", retryInitial: "300ms", retryMax: "2s" },
    notifiers: [oncallSlackNotifier(CHANNEL, slack.apiUrl)],
  });
  // Every check spends a second on the limits call: a job taken a moment ago is still in flight.
  fx.sim.control.setFault("*", "limits", { kind: "slow", delayMs: 1000 });
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  await slack?.close();
  await fx?.close();
  await redis?.stop();
});

describe("scale-out failover", () => {
  it("survives the coordinator and a worker killed mid-run and Redis restarting empty", async () => {
    const workers = [await worker(), await worker(), await worker()];
    const active = await coordinator();
    await waitUntil(
      "the first coordinator leads",
      async () => (await status(active, "/readyz")) === 200,
    );
    const standby = await coordinator();
    // The standby serves, is not ready, holds no lease and checks nothing.
    expect(await status(standby, "/healthz")).toBe(200);
    expect(await status(standby, "/readyz")).toBe(503);
    expect(await metric(standby, "orgwatch_coordinator_lease_held")).toBe(0);
    expect(await metric(active, "orgwatch_coordinator_lease_held")).toBe(1);

    await waitUntil(
      "every org checked and both incidents posted",

      () =>
        ORGS.every((o) => (checks().get(o.id)?.length ?? 0) >= 1) &&
        DOWN.every((org) => roots(org).length === 1),
      30_000,
    ).catch((err: unknown) => {
      console.error(
        JSON.stringify([...checks()].map(([k, v]) => [k, v.length])),
        DOWN.map((o) => roots(o).length),
        slack.all().length,
        active.output().slice(-3000),
        workers[0]?.output().slice(-2000),
      );
      throw err;
    });
    // Kill the coordinator and a worker while that worker has a job in hand.
    const victim = workers[0];
    if (!victim) throw new Error("no worker");
    await waitUntil(
      "a job in the victim's hands",
      async () => (await freshActiveJobs(redis.port, PREFIX, HEALTHY)).includes(victim.name),
      20_000,
    );
    const killedAt = Date.now();
    await Promise.all([active.stop("SIGKILL"), victim.stop("SIGKILL")]);
    await waitUntil(
      "the standby takes over",
      async () => (await status(standby, "/readyz")) === 200,
      15_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(await metric(standby, "orgwatch_coordinator_lease_held")).toBe(1);
    // BullMQ's stall check (on the surviving workers) gives the victim's job to another worker.
    await waitUntil(
      "the victim's job seen stalled",
      async () => ((await metric(standby, "orgwatch_queue_stalled_total")) ?? 0) >= 1,
      15_000,
    );
    await waitUntil(
      "a check in flight",
      async () => (await freshActiveJobs(redis.port, PREFIX, HEALTHY)).length > 0,
      15_000,
    );

    // Redis restarts without persistence: queue, events and lease are gone.
    const dump = await redisDump(redis.port);
    await redis.restart();
    const restartedAt = Date.now();
    await waitUntil(
      "every org checked twice after Redis came back empty",
      () =>
        ORGS.every((o) => (checks().get(o.id) ?? []).filter((t) => t > restartedAt).length >= 2),
      45_000,
    );
    expect(await status(standby, "/readyz")).toBe(200);
    // The check in flight when Redis lost it was enqueued again under its own id.
    expect(await metric(standby, "orgwatch_queue_reenqueued_total")).toBeGreaterThanOrEqual(1);

    const all = checks();
    for (const org of ORGS) {
      const times = all.get(org.id) ?? [];
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      // Never twice in an interval, and never a gap that skips a slot (on schedule).
      for (const gap of gaps) {
        expect(gap, `${org.id} checks ${times.join(",")}`).toBeGreaterThan(INTERVAL_MS / 2);
        expect(gap, `${org.id} checks ${times.join(",")}`).toBeLessThan(INTERVAL_MS * 2 + 5000);
      }
    }
    for (const org of DOWN) expect(roots(org), org).toHaveLength(1);
    const keyBody = fx.id.privateKeyPem.split("\n").slice(1, 3).join("");
    for (const text of [dump, await redisDump(redis.port)]) {
      expect(text).toContain("check-org@");
      expect(text).not.toContain(keyBody.slice(0, 40));
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(
        /PRIVATE KEY|eyJ[A-Za-z0-9_-]{10}|00D[A-Za-z0-9]{12}!AQ|access_token|Bearer /,
      );
    }
  }, 120_000);
});
