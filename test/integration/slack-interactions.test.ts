/**
 * Slack's "Re-check now" and "Silence 1 h" buttons against a real `orgwatch run`: alerts reach
 * a local Slack Web API peer with the buttons and org page links; the test then plays Slack's
 * side of interactivity (a signed form POST to /slack/interactions) with correct and wrong
 * signatures, fresh and stale timestamps, and reads the thread replies the peer received.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackServer, type StoredMessage } from "../../scripts/sinks/slack-server.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { queryDb, runFixture, type RunFixture } from "../helpers/run-fixture.js";
import { oncallSlackNotifier, startAlertSlack } from "../helpers/slack.js";

const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_TOKEN = "xoxb-interactions-test-0123456789";
const API_TOKEN = "interactions-api-token-0123456789";
const CHANNEL = "C0BUTTONS";
const PUBLIC_URL = "https://status.orgwatch.example";
const ORGS: FleetOrg[] = [
  { id: "s-down", scenario: "api_disabled" },
  { id: "s-tight", scenario: "user_not_preauthorized", config: { loginBudgetPerHour: 1 } },
];

let slack: SlackServer;
let fx: RunFixture;
let orgwatch: OrgwatchProcess;

function rootOf(org: string): StoredMessage | undefined {
  return slack.messages(CHANNEL).find((m) => {
    const id = m.metadata?.event_payload.thread_id;
    return typeof id === "string" && id.startsWith(`oncall:${org}:`);
  });
}

/** The value of the root's buttons (the thread they act on) and their labels. */
function buttonsOf(m: StoredMessage): { value: string; labels: string[] } {
  const actions = (
    m.blocks as { type: string; elements?: { value: string; text: { text: string } }[] }[]
  ).find((b) => b.type === "actions");
  return {
    value: actions?.elements?.[0]?.value ?? "",
    labels: actions?.elements?.map((e) => e.text.text) ?? [],
  };
}

/** A block_actions payload as Slack sends it for a button on a thread root. */
function payload(actionId: string, root: StoredMessage): string {
  const { value } = buttonsOf(root);
  const body = {
    type: "block_actions",
    user: { id: "U0ALICE", username: "alice", name: "alice", team_id: "T0ACME" },
    api_app_id: "A0ORGWATCH",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: root.ts, channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: "1234.5678.abcd",
    team: { id: "T0ACME", domain: "acme" },
    channel: { id: CHANNEL, name: "alerts" },
    message: { type: "message", ts: root.ts, text: root.text },
    response_url: "https://hooks.slack.com/actions/T0ACME/1/abc",
    actions: [
      {
        action_id: actionId,
        block_id: "orgwatch_actions",
        value,
        type: "button",
        action_ts: "1700000000.000100",
        text: { type: "plain_text", text: "x", emoji: true },
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(body) }).toString();
}

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret)
    .update(`v0:${String(timestamp)}:${body}`)
    .digest("hex")}`;
}

async function press(
  body: string,
  opts: { secret?: string; skewS?: number; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const ts = Math.floor(Date.now() / 1000) + (opts.skewS ?? 0);
  const res = await fetch(`${orgwatch.url}/slack/interactions`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(opts.secret ?? SIGNING_SECRET, ts, body),
      ...opts.headers,
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function silences(): {
  created_by: string;
  match_json: string;
  ends_at: number;
  starts_at: number;
}[] {
  return queryDb(fx.dbFile, "SELECT created_by, match_json, starts_at, ends_at FROM silences");
}

beforeAll(async () => {
  slack = await startAlertSlack(SLACK_TOKEN, CHANNEL);
  fx = await runFixture(ORGS, {
    server: { listen: "127.0.0.1:0", apiToken: "${API_TOKEN}", publicUrl: PUBLIC_URL },
    slack: { signingSecret: "${SLACK_SIGNING_SECRET}" },
    defaults: { interval: "2s", maxBackoff: "1h", timeout: "2s", failureThreshold: 1 },
    alerting: { groupWait: "1s", updateInterval: "1s" },
    notifiers: [oncallSlackNotifier(CHANNEL, slack.apiUrl)],
  });
  orgwatch = await startOrgwatch(fx.config, {
    ORGWATCH_RESOLVE: RESOLVE,
    ORGWATCH_LOG_LEVEL: "info",
    TEST_KEY: fx.id.privateKeyPem,
    API_TOKEN,
    SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
  });
  await waitUntil("both alerts", () => rootOf("s-down") && rootOf("s-tight"), 30_000);
}, 60_000);

afterAll(async () => {
  await orgwatch?.stop();
  await slack?.close();
  await fx?.close();
});

describe("Slack buttons", () => {
  it("alerts carry both buttons for their thread and link the org's page", () => {
    const root = rootOf("s-down")!;
    const { value, labels } = buttonsOf(root);
    expect(labels).toEqual(["Re-check now", "Silence 1 h"]);
    expect(value).toBe(root.metadata?.event_payload.thread_id);
    expect(JSON.stringify(root.blocks)).toContain(`<${PUBLIC_URL}/orgs/s-down|`);
    expect(root.text).toContain(`Org page: ${PUBLIC_URL}/orgs/s-down`);
  });

  it("refuses wrong, missing, stale and future signatures, acting on none", async () => {
    const body = payload("orgwatch_silence_1h", rootOf("s-down")!);
    const refused = [
      await press(body, { secret: "another-signing-secret-0000000000" }),
      await press(body, { skewS: -301 }),
      await press(body, { skewS: 301 }),
      await press(body, { headers: { "x-slack-signature": "v0=" } }),
      await press(`${body}&x=1`, {
        headers: { "x-slack-signature": sign(SIGNING_SECRET, Math.floor(Date.now() / 1000), body) },
      }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(refused[1]!.text).toContain("more than 5 minutes off");
    const unsigned = await fetch(`${orgwatch.url}/slack/interactions`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(silences()).toEqual([]);
    // A good signature over a body that is no payload: 400, still nothing done.
    expect((await press("payload=%7B%22type%22%3A%22view_submission%22%7D")).status).toBe(400);
    expect(silences()).toEqual([]);
  });

  it("Silence 1 h, correctly signed and 4 minutes old: a run-time silence and a reply saying who", async () => {
    const root = rootOf("s-down")!;
    // No API token: the route is behind Slack's signature, not the bearer token.
    const r = await press(payload("orgwatch_silence_1h", root), { skewS: -240 });
    expect(r.status).toBe(200);
    const reply = await waitUntil("the reply in the thread", () =>
      slack.thread(root.ts).find((m) => m.text.includes("silenced")),
    );
    expect(reply.text).toMatch(
      /^<@U0ALICE> silenced s-down \(api_disabled\) for 1 h, until \d\d:\d\d UTC\.$/,
    );
    expect(reply.thread_ts).toBe(root.ts);
    const [silence] = silences();
    expect(silence).toMatchObject({
      created_by: "alice (Slack U0ALICE)",
      match_json: JSON.stringify({ orgs: ["s-down"], causes: ["api_disabled"] }),
    });
    expect(silence!.ends_at - silence!.starts_at).toBe(3_600_000);
  });

  it("Re-check now goes through the API's path: the login budget holds", async () => {
    const root = rootOf("s-tight")!;
    expect((await press(payload("orgwatch_recheck", root))).status).toBe(200);
    const reply = await waitUntil("the re-check reply", () =>
      slack.thread(root.ts).find((m) => m.text.includes("re-check")),
    );
    expect(reply.text).toMatch(
      /^<@U0ALICE> asked to re-check now:\n• s-tight: not checked, its user's login budget is spent until \d\d:\d\d UTC$/,
    );
    const down = rootOf("s-down")!;
    expect((await press(payload("orgwatch_recheck", down))).status).toBe(200);
    const queued = await waitUntil("the second re-check reply", () =>
      slack.thread(down.ts).find((m) => m.text.includes("re-check")),
    );
    expect(queued.text).toMatch(
      /^<@U0ALICE> asked to re-check now:\n• s-down: (re-check queued|a check is already running)$/,
    );
  });

  it("never shows the signing secret, the bot token or the API token", () => {
    const everything =
      orgwatch.output() + JSON.stringify(slack.all()) + JSON.stringify(slack.calls);
    for (const secret of [SIGNING_SECRET, SLACK_TOKEN, API_TOKEN])
      expect(everything).not.toContain(secret);
    expect(orgwatch.output()).toContain('"msg":"slack button pressed"');
  });
});
