import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackNotifier } from "../../src/alerting/notifiers/slack.js";
import type { Notifier, SendResult } from "../../src/alerting/types.js";
import { slackNotifierSchema } from "../../src/config/alerting.js";
import { createLogger } from "../../src/platform/logger.js";
import { alertMessage, alertOrg } from "../helpers/alert-message.js";
import { startSlackServer, type SlackServer } from "../../scripts/sinks/slack-server.js";

const CHANNEL = "C0ALERTS";
// Built at run time so no committed file holds anything shaped like a Slack token.
const TOKEN = ["xoxb", "1", randomBytes(12).toString("hex")].join("-");
const READ_ONLY = ["xoxb", "2", randomBytes(12).toString("hex")].join("-");
const WRITE_ONLY = ["xoxb", "3", randomBytes(12).toString("hex")].join("-");

let server: SlackServer;
const logLines: string[] = [];
const results: unknown[] = [];
const allCalls: SlackServer["calls"] = [];

function notifier(over: { token?: string; channel?: string; timeout?: string } = {}): Notifier {
  const config = slackNotifierSchema.parse({
    name: "oncall",
    kind: "slack",
    token: over.token ?? TOKEN,
    channel: over.channel ?? CHANNEL,
    apiUrl: server.apiUrl,
    timeout: over.timeout ?? "5s",
  });
  const logger = createLogger({ level: "debug", destination: { write: (l) => logLines.push(l) } });
  return createSlackNotifier(config, { logger });
}

const signal = (): AbortSignal => new AbortController().signal;

async function send(n: Notifier, ...args: Parameters<Notifier["send"]>): Promise<SendResult> {
  const result = await n.send(...args);
  results.push(result);
  return result;
}

function rootTs(result: SendResult): string {
  if (!result.ok || result.ref === undefined) throw new Error("no root ref");
  return result.ref.split(":")[1]!;
}

beforeAll(async () => {
  server = await startSlackServer({
    tokens: {
      [TOKEN]: { scopes: ["chat:write", "channels:history"] },
      [READ_ONLY]: { scopes: ["channels:history"] },
      [WRITE_ONLY]: { scopes: ["chat:write"] },
    },
    channels: [{ id: CHANNEL }, { id: "C0NOTIN", member: false }],
  });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  server.calls.length = 0;
});

afterEach(() => {
  allCalls.push(...server.calls);
});

describe("Slack notifier against the local Web API peer: threads", () => {
  it("posts the first message as a root with blocks, fallback text and delivery metadata", async () => {
    const msg = alertMessage();
    const result = await send(notifier(), msg, { rootRef: null }, signal());
    expect(result.ok).toBe(true);
    expect(result.ok && result.ref).toMatch(/^C0ALERTS:\d+\.\d{6}$/);
    const [root] = server.messages(CHANNEL).filter((m) => m.ts === rootTs(result));
    expect(root?.thread_ts).toBeUndefined();
    expect(root?.text).toContain("app not installed");
    expect(root?.metadata).toEqual({
      event_type: "orgwatch_alert",
      event_payload: { delivery_id: msg.deliveryId, thread_id: msg.threadId },
    });
    const json = JSON.stringify(root?.blocks);
    expect(json).toContain("acme: app not installed");
    expect(json).toContain("1. Open Setup");
    expect(json).toContain("|Connected Apps (acme)>");
    expect(json).toContain("*1 of 1* org still down");
    expect(json).toContain("recheck: `orgwatch check");
    // The wire: one form-encoded POST with a bearer token, blocks as JSON inside the form.
    const [call] = server.calls;
    expect(call?.method).toBe("chat.postMessage");
    expect(call?.auth).toBe("bearer");
    expect(call?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(typeof call?.fields.blocks).toBe("string");
  });

  it("replies to the root for update, reminder and resolve, and marks the root resolved", async () => {
    const n = notifier();
    const opened = await send(n, alertMessage(), { rootRef: null }, signal());
    const ts = rootTs(opened);
    const thread = { rootRef: `${CHANNEL}:${ts}` };
    const update = alertMessage({ kind: "update", changes: ["beta joined: app not installed"] });
    expect(await send(n, update, thread, signal())).toEqual({ ok: true });
    expect(await send(n, alertMessage({ kind: "reminder" }), thread, signal())).toEqual({
      ok: true,
    });
    const resolvedAt = new Date().toISOString();
    const resolve = alertMessage({
      kind: "resolve",
      state: "resolved",
      resolvedAt,
      counts: { total: 1, open: 0 },
      orgs: [alertOrg("acme", { cause: null, resolvedAt })],
    });
    expect(await send(n, resolve, thread, signal())).toEqual({ ok: true });

    const replies = server.thread(ts);
    expect(replies.map((r) => r.thread_ts)).toEqual([ts, ts, ts]);
    expect(JSON.stringify(replies[0]?.blocks)).toContain("beta joined: app not installed");
    expect(JSON.stringify(replies[1]?.blocks)).toContain("Still down: acme");
    // Edit before reply: a retry after a failed reply repeats only the idempotent edit.
    expect(server.calls.slice(-2).map((c) => c.method)).toEqual([
      "chat.update",
      "chat.postMessage",
    ]);
    const root = server.all().find((m) => m.ts === ts)!;
    const rootBlocks = JSON.stringify(root.blocks);
    expect(rootBlocks).toContain("✅ Resolved: acme");
    expect(rootBlocks).toContain("Down for *1h");
    expect(rootBlocks).toContain("*0 of 1* org still down");
    expect(rootBlocks).not.toContain("How to fix");
    expect(root.metadata?.event_payload).toMatchObject({ thread_id: resolve.threadId });
    expect(server.messages(CHANNEL).filter((m) => m.ts === ts)).toHaveLength(1);
  });

  it("still replies when the root cannot be edited (not the bot's message)", async () => {
    const other = server.seed(CHANNEL, "a person's message");
    const resolve = alertMessage({
      kind: "resolve",
      state: "resolved",
      resolvedAt: new Date().toISOString(),
    });
    expect(
      await send(notifier(), resolve, { rootRef: `${CHANNEL}:${other.ts}` }, signal()),
    ).toEqual({ ok: true });
    expect(server.calls.map((c) => c.answer?.error)).toContain("cant_update_message");
    expect(server.thread(other.ts)).toHaveLength(1);
  });

  it("sends a notice without a root as a new top-level message, with one as a reply", async () => {
    const n = notifier();
    const top = await send(
      n,
      alertMessage({ kind: "notice", severity: "info" }),
      { rootRef: null },
      signal(),
    );
    expect(top.ok && top.ref).toMatch(/^C0ALERTS:/);
    const ts = rootTs(top);
    expect(
      await send(n, alertMessage({ kind: "notice" }), { rootRef: `${CHANNEL}:${ts}` }, signal()),
    ).toEqual({ ok: true });
    expect(server.thread(ts)).toHaveLength(1);
  });

  it("names the first 20 of many orgs and counts the rest, within Block Kit limits", async () => {
    const orgs = Array.from({ length: 45 }, (_, i) =>
      alertOrg(`org-${String(i).padStart(2, "0")}`, { name: `Org <${i}> & co ${"x".repeat(90)}` }),
    );
    const msg = alertMessage({
      orgs,
      counts: { total: 45, open: 45 },
      summary: "s".repeat(5000),
      fix: Array.from({ length: 200 }, (_, i) => `step ${i} ${"y".repeat(100)}`),
      text: "t".repeat(10_000),
    });
    const result = await send(notifier(), msg, { rootRef: null }, signal());
    expect(result.ok).toBe(true);
    const root = server.all().find((m) => m.ts === rootTs(result))!;
    const texts = (root.blocks as { text?: { text?: string } }[]).map((b) => b.text?.text ?? "");
    const orgText = texts.filter((t) => t.startsWith("*Orgs")).join("\n");
    for (let i = 0; i < 20; i++) expect(orgText).toContain(`\`org-${String(i).padStart(2, "0")}\``);
    expect(orgText).not.toContain("org-20");
    expect(orgText).toMatch(/\n\+25 more$/);
    expect(orgText).toContain("Org &lt;0&gt; &amp; co");
    expect(root.text.length).toBeLessThanOrEqual(4000);
  });
});

describe("Slack notifier: failures as send results", () => {
  it("maps a 429 to retryable rate_limited with Retry-After, in one request", async () => {
    server.fail({ kind: "ratelimit", retryAfter: 7 });
    const result = await send(notifier(), alertMessage(), { rootRef: null }, signal());
    expect(result).toMatchObject({
      ok: false,
      retryable: true,
      reason: "rate_limited",
      retryAfterMs: 7000,
    });
    server.fail({ kind: "ratelimit", retryAfter: null });
    const bare = await send(notifier(), alertMessage(), { rootRef: null }, signal());
    expect(bare).toMatchObject({ ok: false, retryable: true, reason: "rate_limited" });
    expect(bare).not.toHaveProperty("retryAfterMs");
    expect(server.calls).toHaveLength(2);
  });

  it("maps 500/503 to a retryable server_error and a dropped connection to network", async () => {
    server.fail({ kind: "status", status: 500 });
    server.fail({
      kind: "status",
      status: 503,
      body: '{"ok":false}',
      contentType: "application/json",
    });
    server.fail({ kind: "drop" });
    const n = notifier();
    for (const detail of ["http_500", "http_503"]) {
      expect(await send(n, alertMessage(), { rootRef: null }, signal())).toEqual({
        ok: false,
        retryable: true,
        reason: "server_error",
        detail,
      });
    }
    expect(await send(n, alertMessage(), { rootRef: null }, signal())).toMatchObject({
      ok: false,
      retryable: true,
      reason: "network",
    });
    expect(server.calls).toHaveLength(3);
  });

  it("ends a hanging call at the configured timeout and at the caller's abort", async () => {
    server.fail({ kind: "hang" }, { times: 2 });
    let started = Date.now();
    const timedOut = await send(
      notifier({ timeout: "300ms" }),
      alertMessage(),
      { rootRef: null },
      signal(),
    );
    expect(timedOut).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    started = Date.now();
    const aborted = await send(
      notifier({ timeout: "30s" }),
      alertMessage(),
      { rootRef: null },
      controller.signal,
    );
    expect(aborted).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3000);

    const before = server.calls.length;
    const done = AbortSignal.abort();
    expect(await send(notifier(), alertMessage(), { rootRef: null }, done)).toMatchObject({
      reason: "timeout",
    });
    expect(server.calls).toHaveLength(before);
  });

  it.each([
    [{ channel: "C0MISSING" }, "config", "channel_not_found"],
    [{ channel: "C0NOTIN" }, "config", "not_in_channel"],
    [{ token: "xoxb-unknown-token" }, "auth", "invalid_auth"],
    [{ token: READ_ONLY }, "auth", "missing_scope"],
  ] as const)("disables the notifier for %o (%s: %s)", async (over, reason, detail) => {
    const result = await send(notifier(over), alertMessage(), { rootRef: null }, signal());
    expect(result).toEqual({ ok: false, retryable: false, reason, detail, disable: true });
  });

  it("rejects a message Slack refuses, without disabling", async () => {
    server.fail({ kind: "error", error: "invalid_blocks" });
    const result = await send(notifier(), alertMessage(), { rootRef: null }, signal());
    expect(result).toEqual({
      ok: false,
      retryable: false,
      reason: "rejected",
      detail: "invalid_blocks",
    });
  });
});

describe("Slack notifier: confirm", () => {
  it("finds a delivered root and reply by delivery id, and reports a missing one", async () => {
    const n = notifier();
    const open = alertMessage();
    const sent = await send(n, open, { rootRef: null }, signal());
    server.seed(CHANNEL, "chatter after the alert");
    expect(await n.confirm!(open, { rootRef: null }, signal())).toEqual({
      found: true,
      ref: sent.ok && sent.ref,
    });
    expect(await n.confirm!(alertMessage(), { rootRef: null }, signal())).toEqual({ found: false });

    const thread = { rootRef: sent.ok ? sent.ref! : null };
    const reminder = alertMessage({ kind: "reminder" });
    await send(n, reminder, thread, signal());
    expect(await n.confirm!(reminder, thread, signal())).toEqual({ found: true });
    expect(await n.confirm!(alertMessage({ kind: "reminder" }), thread, signal())).toEqual({
      found: false,
    });
    const asked = server.calls.filter((c) => c.method.startsWith("conversations."));
    expect(asked.map((c) => c.fields.include_all_metadata)).toEqual([true, true, true, true]);
  });

  it("answers null when Slack cannot tell (no history scope, 500, an error)", async () => {
    const open = alertMessage();
    expect(
      await notifier({ token: WRITE_ONLY }).confirm!(open, { rootRef: null }, signal()),
    ).toBeNull();
    expect(server.calls.at(-1)?.answer).toMatchObject({
      error: "missing_scope",
      needed: "channels:history",
    });
    const n = notifier();
    expect(await n.confirm!(open, { rootRef: null }, signal())).toEqual({ found: false });
    server.fail({ kind: "status", status: 500 });
    expect(await n.confirm!(open, { rootRef: null }, signal())).toBeNull();
    server.fail({ kind: "error", error: "ratelimited" });
    expect(await n.confirm!(open, { rootRef: null }, signal())).toBeNull();
  });
});

describe("Slack notifier: the token stays secret", () => {
  it("never shows the token in a result, a log line, a stored message or a recorded call", () => {
    expect(results.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(0);
    expect(allCalls.length).toBeGreaterThan(30);
    const seen = JSON.stringify({ results, logLines, stored: server.all(), calls: allCalls });
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain(TOKEN.slice(5));
    expect(allCalls.every((c) => c.auth === "bearer")).toBe(true);
  });
});
