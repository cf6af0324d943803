/**
 * Hot reload under a real `orgwatch run`: the main config and an included file change while it
 * runs (an org added, one removed with its incident open, one changed, an invalid edit, a
 * restart-only field), by file watch, SIGHUP and POST /-/reload. Schedules, incidents and their
 * Slack threads, /metrics series and the reload metrics are read from the outside.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { SlackServer } from "../../scripts/sinks/slack-server.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { orgwatchConfig, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { queryDb } from "../helpers/run-fixture.js";
import { tempDir } from "../helpers/tmp.js";
import { oncallSlackNotifier, startAlertSlack } from "../helpers/slack.js";

const API_TOKEN = "reload-test-token-0123456789";
const SLACK_TOKEN = "xoxb-reload-test-0123456789";
const CHANNEL = "C0RELOAD";
const AUTH = { authorization: `Bearer ${API_TOKEN}` };
const MAIN: FleetOrg[] = [
  { id: "r-keep", scenario: "healthy" },
  { id: "r-change", scenario: "healthy", config: { name: "Change v1" } },
  { id: "r-gone", scenario: "user_not_preauthorized" },
];
const INCLUDED: FleetOrg[] = [{ id: "r-inc", scenario: "healthy" }];
const LATER: FleetOrg[] = [
  { id: "r-new", scenario: "healthy" },
  { id: "r-inc2", scenario: "healthy" },
];

let id: GeneratedIdentity;
let sim: Simulator;
let slack: SlackServer;
let tmp: ReturnType<typeof tempDir>;
let config: string;
let dbFile: string;
let orgwatch: OrgwatchProcess;

/** The main config: these orgs, the include, a Slack notifier, fast intervals. */
function mainYaml(orgs: FleetOrg[], extra: Record<string, unknown> = {}): string {
  return stringify(
    orgwatchConfig(orgs, sim.port, {
      server: { listen: "127.0.0.1:0", apiToken: "${API_TOKEN}" },
      storage: { sqlite: "./orgwatch.db" },
      include: ["orgs/*.yaml"],
      defaults: { interval: "1s", maxBackoff: "1s", timeout: "2s", failureThreshold: 1 },
      alerting: { groupWait: "1s", updateInterval: "1s" },
      notifiers: [oncallSlackNotifier(CHANNEL, slack.apiUrl)],
      ...extra,
    }),
  );
}

/** An included file's text: only its orgs: list. */
function includedYaml(orgs: FleetOrg[], extra: Record<string, unknown>[] = []): string {
  const { orgs: entries } = orgwatchConfig(orgs, sim.port) as { orgs: unknown[] };
  return stringify({ orgs: [...entries, ...extra] });
}

/** Saves like an editor that writes a new file and renames it over the old one. */
function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.tmp~`, text);
  renameSync(`${file}.tmp~`, file);
}

async function metrics(): Promise<string> {
  return (await fetch(`${orgwatch.url}/metrics`, { headers: AUTH })).text();
}

function gauge(text: string, name: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.split(" ")[1]);
}

function hasSeries(text: string, org: string): boolean {
  return text.includes(`orgwatch_org_up{org="${org}"}`);
}

function checks(org: string): number {
  return (
    queryDb<{ n: number }>(dbFile, "SELECT COUNT(*) AS n FROM checks WHERE org_id = ?", org)[0]
      ?.n ?? 0
  );
}

/** When the org was first checked, as its stored state says (kept by a change, reset by nothing). */
function firstSeen(org: string): number | null {
  return (
    queryDb<{ at: number | null }>(
      dbFile,
      "SELECT first_seen_at AS at FROM org_state WHERE org_id = ?",
      org,
    )[0]?.at ?? null
  );
}

async function reloadRequest(headers: Record<string, string> = AUTH) {
  const res = await fetch(`${orgwatch.url}/-/reload`, { method: "POST", headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, [...MAIN, ...INCLUDED, ...LATER]) });
  slack = await startAlertSlack(SLACK_TOKEN, CHANNEL);
  mkdirSync(join(tmp.dir, "orgs"));
  config = join(tmp.dir, "orgwatch.yaml");
  dbFile = join(tmp.dir, "orgwatch.db");
  writeFileSync(config, mainYaml(MAIN));
  writeFileSync(join(tmp.dir, "orgs", "a.yaml"), includedYaml(INCLUDED));
  orgwatch = await startOrgwatch(config, {
    ORGWATCH_RESOLVE: RESOLVE,
    ORGWATCH_LOG_LEVEL: "info",
    TEST_KEY: id.privateKeyPem,
    API_TOKEN,
    SLACK_TOKEN,
  });
}, 60_000);

afterAll(async () => {
  await orgwatch?.stop();
  await slack?.close();
  await sim?.close();
  tmp?.cleanup();
});

describe("hot reload under orgwatch run", () => {
  it("starts with the main and the included orgs, and a successful load in the metrics", async () => {
    const text = await waitUntil("every org's series", async () => {
      const t = await metrics();
      return ["r-keep", "r-change", "r-gone", "r-inc"].every((o) => hasSeries(t, o)) && t;
    });
    expect(gauge(text, "orgwatch_config_last_reload_successful")).toBe(1);
    expect(gauge(text, "orgwatch_config_last_reload_success_timestamp_seconds")).toBeGreaterThan(0);
    await waitUntil("r-gone's open incident and its Slack root", () =>
      slack.messages(CHANNEL).find((m) => JSON.stringify(m.metadata).includes("oncall:r-gone:")),
    );
  }, 30_000);

  it("file edits add, remove and change orgs without losing state", async () => {
    const before = gauge(await metrics(), "orgwatch_config_last_reload_success_timestamp_seconds")!;
    const changeBefore = (await (
      await fetch(`${orgwatch.url}/api/v1/orgs/r-change`, { headers: AUTH })
    ).json()) as Record<string, unknown>;
    const keptChecks = checks("r-change");
    const firstSeenBefore = firstSeen("r-change");
    expect(firstSeenBefore).toBeGreaterThan(0);
    const incident = queryDb<{ id: string }>(
      dbFile,
      "SELECT id FROM incidents WHERE org_id = 'r-gone' AND closed_at IS NULL",
    )[0]!;
    // The main file: r-gone removed, r-change renamed, r-new added (saved by rename).
    const changed: FleetOrg = {
      id: "r-change",
      scenario: "healthy",
      config: { name: "Change v2", tags: ["v2"] },
    };
    replaceFile(config, mainYaml([MAIN[0]!, changed, LATER[0]!]));
    // The included file, written in place: r-inc2 added.
    writeFileSync(join(tmp.dir, "orgs", "a.yaml"), includedYaml([...INCLUDED, LATER[1]!]));

    const text = await waitUntil("the new orgs checked and r-gone's series dropped", async () => {
      const t = await metrics();
      return hasSeries(t, "r-new") && hasSeries(t, "r-inc2") && !hasSeries(t, "r-gone") && t;
    });
    expect(gauge(text, "orgwatch_config_last_reload_successful")).toBe(1);
    expect(gauge(text, "orgwatch_config_last_reload_success_timestamp_seconds")).toBeGreaterThan(
      before,
    );
    // New orgs are scheduled: their checks land in the history.
    await waitUntil(
      "checks of the added orgs",
      () => checks("r-new") >= 2 && checks("r-inc2") >= 2,
    );

    // The removed org: incident closed with a note, its health reset, no pass after it.
    const closed = queryDb<{ closed_at: number; close_note: string }>(
      dbFile,
      "SELECT closed_at, close_note FROM incidents WHERE id = ?",
      incident.id,
    )[0]!;
    expect(closed.close_note).toMatch(
      /^r-gone was removed from the orgwatch config at .*closed without a recovery\.$/,
    );
    const lastPass = queryDb<{ at: number }>(
      dbFile,
      "SELECT MAX(started_at) AS at FROM checks WHERE org_id = 'r-gone'",
    )[0]!;
    expect(lastPass.at).toBeLessThan(closed.closed_at);
    expect(
      queryDb(
        dbFile,
        "SELECT kind FROM outbox WHERE incident_id = ? AND kind = 'resolved'",
        incident.id,
      ),
    ).toHaveLength(1);
    expect((await fetch(`${orgwatch.url}/api/v1/orgs/r-gone`, { headers: AUTH })).status).toBe(404);
    // Alerting resolved the thread once, saying why.
    const root = slack
      .messages(CHANNEL)
      .find((m) => JSON.stringify(m.metadata).includes("oncall:r-gone:"))!;
    const reply = await waitUntil("the resolve in r-gone's thread", () =>
      slack.thread(root.ts).find((m) => /removed from the orgwatch config/.test(JSON.stringify(m))),
    );
    expect(reply.text).toMatch(/^RESOLVED: r-gone: user not preauthorized/);
    const told = slack
      .thread(root.ts)
      .filter((m) => /removed from the orgwatch config/.test(JSON.stringify(m)));
    expect(told).toHaveLength(1);

    // The changed org kept its state and history; its new name is served.
    const after = (await (
      await fetch(`${orgwatch.url}/api/v1/orgs/r-change`, { headers: AUTH })
    ).json()) as Record<string, unknown>;
    expect(after).toMatchObject({
      name: "Change v2",
      tags: ["v2"],
      state: "healthy",
    });
    expect(Date.parse(after.lastHealthyAt as string)).toBeGreaterThanOrEqual(
      Date.parse(changeBefore.lastHealthyAt as string),
    );
    expect(checks("r-change")).toBeGreaterThanOrEqual(keptChecks);
    expect(firstSeen("r-change")).toBe(firstSeenBefore);
  }, 60_000);

  it("an invalid edit is refused with field-level errors; the last good config keeps running", async () => {
    writeFileSync(
      join(tmp.dir, "orgs", "a.yaml"),
      includedYaml(
        [...INCLUDED, LATER[1]!],
        [
          {
            id: "r-bad",
            loginUrl: "bad.my.salesforce.com",
            clientId: "x",
            username: "u@x",
            privateKey: "${TEST_KEY}",
          },
        ],
      ),
    );
    await waitUntil(
      "the failed reload in the metrics",
      async () => gauge(await metrics(), "orgwatch_config_last_reload_successful") === 0,
    );
    expect(orgwatch.output()).toContain(
      'config reload: orgs/a.yaml: orgs[2].loginUrl: \\"bad.my.salesforce.com\\" is not a URL; write https://bad.my.salesforce.com',
    );
    const r = await reloadRequest();
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      status: "error",
      error: "config not reloaded: 1 problem",
      problems: [
        {
          file: "orgs/a.yaml",
          path: "orgs[2].loginUrl",
          message: '"bad.my.salesforce.com" is not a URL; write https://bad.my.salesforce.com',
        },
      ],
    });
    // Still running the last good config: r-inc2 is still checked, r-bad never.
    const n = checks("r-inc2");
    await waitUntil("r-inc2 checked again", () => checks("r-inc2") > n);
    expect(hasSeries(await metrics(), "r-bad")).toBe(false);
  }, 30_000);

  it("SIGHUP and POST /-/reload apply a fixed config; restart-only fields are named, not applied", async () => {
    writeFileSync(join(tmp.dir, "orgs", "a.yaml"), includedYaml([...INCLUDED, LATER[1]!]));
    await waitUntil(
      "the fixed file reloaded",
      async () => gauge(await metrics(), "orgwatch_config_last_reload_successful") === 1,
    );
    const before = gauge(await metrics(), "orgwatch_config_last_reload_success_timestamp_seconds")!;
    orgwatch.child.kill("SIGHUP");
    await waitUntil("the SIGHUP reload", () =>
      /"trigger":"SIGHUP".*"msg":"config reloaded"/.test(orgwatch.output()),
    );
    expect(
      gauge(await metrics(), "orgwatch_config_last_reload_success_timestamp_seconds"),
    ).toBeGreaterThanOrEqual(before);

    expect((await reloadRequest({})).status).toBe(401);
    replaceFile(
      config,
      mainYaml(
        [
          MAIN[0]!,
          { id: "r-change", scenario: "healthy", config: { name: "Change v2", tags: ["v2"] } },
          LATER[0]!,
        ],
        {
          storage: { sqlite: "./orgwatch.db", retention: { raw: "7d" } },
        },
      ),
    );
    await waitUntil("the storage change logged", () =>
      orgwatch.output().includes("config field storage changed; it applies after a restart"),
    );
    const r = await reloadRequest();
    expect(r).toEqual({
      status: 200,
      body: { status: "success", added: [], changed: [], removed: [], restartNeeded: ["storage"] },
    });
    const out = orgwatch.output();
    expect(out).not.toContain(API_TOKEN);
    expect(out).not.toContain(SLACK_TOKEN);
    expect(out).not.toContain("PRIVATE KEY");
  }, 30_000);
});
