/**
 * Alerting through a real `orgwatch run`: the simulator breaks and fixes orgs, the real
 * @slack/web-api client talks to a local Slack Web API peer, and the test reads what arrived,
 * including across kill -9 at several points of an incident.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeneratedIdentity } from "../../src/platform/keygen.js";
import type { Simulator } from "../../src/simulator/index.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { type SlackServer, type StoredMessage } from "../../scripts/sinks/slack-server.js";
import { queryDb, runFixture, type RunFixture } from "../helpers/run-fixture.js";
import { oncallSlackNotifier, startAlertSlack } from "../helpers/slack.js";

const TOKEN = "xoxb-orgwatch-test-0123456789";
const CHANNEL = "C0ALERTS";
const GROUP = ["g-1", "g-2", "g-3", "g-4", "g-5"];
const ORGS: FleetOrg[] = [
  { id: "t-one", scenario: "healthy" },
  { id: "t-kill", scenario: "healthy" },
  { id: "t-late", scenario: "healthy" },
  { id: "t-peer", scenario: "healthy" },
  ...GROUP.map((id) => ({ id, scenario: "healthy" })),
];

let id: GeneratedIdentity;
let sim: Simulator;
let slack: SlackServer;
let fx: RunFixture;
let config: string;
let dbFile: string;
let orgwatch: OrgwatchProcess | null = null;

const env = (): Record<string, string> => ({
  ORGWATCH_RESOLVE: RESOLVE,
  TEST_KEY: id.privateKeyPem,
  SLACK_TOKEN: TOKEN,
});

function threadOf(m: StoredMessage): string {
  const payload = m.metadata?.event_payload ?? {};
  return typeof payload.thread_id === "string" ? payload.thread_id : "";
}

/** Root messages of the threads about one org. */
function roots(org: string): StoredMessage[] {
  return slack.messages(CHANNEL).filter((m) => threadOf(m).startsWith(`oncall:${org}:`));
}

function rootWith(org: string): StoredMessage | undefined {
  return roots(org)[0];
}

function replies(root: StoredMessage): StoredMessage[] {
  return slack.thread(root.ts);
}

function sql<T>(query: string, ...args: unknown[]): T[] {
  return queryDb<T>(dbFile, query, ...args);
}

async function start(): Promise<OrgwatchProcess> {
  orgwatch = await startOrgwatch(config, env());
  return orgwatch;
}

async function kill(): Promise<void> {
  await orgwatch?.stop("SIGKILL");
  orgwatch = null;
}

beforeAll(async () => {
  slack = await startAlertSlack(TOKEN, CHANNEL);
  fx = await runFixture(ORGS, {
    defaults: {
      interval: "1s",
      maxBackoff: "1s",
      timeout: "2s",
      failureThreshold: 1,
      loginBudgetPerHour: 3600,
    },
    alerting: { groupWait: "2s", updateInterval: "1s", retryInitial: "300ms", retryMax: "2s" },
    notifiers: [oncallSlackNotifier(CHANNEL, slack.apiUrl)],
  });
  ({ id, sim, config, dbFile } = fx);
  await start();
}, 60_000);

afterAll(async () => {
  await kill();
  await slack?.close();
  await fx?.close();
});

describe("alerting through orgwatch run", () => {
  it("one thread per incident: the fix in the root, a cause change and the resolve as replies", async () => {
    sim.control.setScenario("t-one", "user_not_preauthorized");
    const root = await waitUntil("the open", () => rootWith("t-one"), 20_000);
    const blocks = JSON.stringify(root.blocks);
    expect(blocks).toContain("user_not_preauthorized");
    expect(blocks).toMatch(/Permitted Users|pre-authori[sz]ed|Manage Profiles|Permission Set/i);
    sim.control.setScenario("t-one", "api_disabled");
    await waitUntil("the cause change", () =>
      replies(root).find((m) => JSON.stringify(m.blocks).includes("api_disabled")),
    );
    sim.control.setScenario("t-one", "healthy");
    await waitUntil("the resolve", () =>
      replies(root).find(
        (m) => /resolved/i.test(m.text) || /resolved/i.test(JSON.stringify(m.blocks)),
      ),
    );
    const edited = slack.messages(CHANNEL).find((m) => m.ts === root.ts);
    expect(JSON.stringify(edited?.blocks)).toMatch(/Resolved/);
    expect(roots("t-one")).toHaveLength(1);
    const all = JSON.stringify(slack.all()) + JSON.stringify(slack.calls.map((c) => c.fields));
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("BEGIN PRIVATE KEY");
  }, 60_000);

  it("a cause that hits five orgs at once is one message naming them all", async () => {
    for (const org of GROUP) sim.control.setScenario(org, "insufficient_access");
    const groupRoots = (): StoredMessage[] =>
      slack
        .messages(CHANNEL)
        .filter((m) => GROUP.some((g) => threadOf(m).startsWith(`oncall:${g}:`)));
    const root = await waitUntil("the grouped open", () => groupRoots()[0], 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(groupRoots()).toHaveLength(1);
    for (const org of GROUP) expect(JSON.stringify(root.blocks) + root.text).toContain(org);
    for (const org of GROUP) sim.control.setScenario(org, "healthy");
    await waitUntil("the group's resolve", () =>
      replies(root).find(
        (m) => /resolved/i.test(m.text) || /resolved/i.test(JSON.stringify(m.blocks)),
      ),
    );
    expect(groupRoots()).toHaveLength(1);
  }, 60_000);

  it("kill -9 before the open is sent, after it, and before the resolve: nothing doubled or lost", async () => {
    // Before the open: the incident is committed, the group wait has not passed.
    sim.control.setScenario("t-kill", "api_disabled");
    await waitUntil(
      "the incident committed",
      () => sql("SELECT 1 FROM outbox WHERE org_id = ? AND kind = 'opened'", "t-kill").length > 0,
    );
    await kill();
    expect(roots("t-kill")).toHaveLength(0);
    await start();
    const root = await waitUntil("the open after the restart", () => rootWith("t-kill"), 20_000);

    // After the open: a restart sends nothing new.
    await kill();
    await start();
    await new Promise((r) => setTimeout(r, 3000));
    expect(roots("t-kill")).toHaveLength(1);
    expect(replies(root)).toHaveLength(0);

    // Before the resolve: Slack fails the resolve, the process dies with it pending.
    slack.fail({ kind: "status", status: 503 }, { times: 2 });
    sim.control.setScenario("t-kill", "healthy");
    await waitUntil(
      "the resolve decided",
      () =>
        sql(
          "SELECT 1 FROM alert_deliveries WHERE thread_id LIKE ? AND kind = 'resolve'",
          "oncall:t-kill:%",
        ).length > 0,
    );
    await kill();
    await start();
    await waitUntil("the resolve after the restart", () => replies(root).length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(replies(root)).toHaveLength(1);
    expect(roots("t-kill")).toHaveLength(1);
  }, 90_000);

  it("Slack rate limits and 5xx: delivered once after recovery, and checks went on meanwhile", async () => {
    const checksBefore = sql<{ n: number }>("SELECT COUNT(*) AS n FROM checks")[0]?.n ?? 0;
    slack.fail({ kind: "ratelimit", retryAfter: 1 }, { times: 2 });
    slack.fail({ kind: "status", status: 500 }, { times: 2 });
    sim.control.setScenario("t-peer", "ip_restricted");
    await waitUntil("the open after the outage", () => rootWith("t-peer"), 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(roots("t-peer")).toHaveLength(1);
    const checksAfter = sql<{ n: number }>("SELECT COUNT(*) AS n FROM checks")[0]?.n ?? 0;
    expect(checksAfter).toBeGreaterThan(checksBefore + 5);
    const failures = await (await fetch(`${orgwatch?.url ?? ""}/metrics`)).text();
    expect(failures).toMatch(
      /orgwatch_notification_failures_total\{notifier="oncall",reason="(rate_limited|server_error)"\} [1-9]/,
    );
  }, 90_000);
});
