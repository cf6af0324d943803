import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AlertDelivery, AlertMember, AlertThread } from "../../src/domain/alerts.js";
import { buildMessage, type MessageContext } from "../../src/alerting/message.js";
import { emailHtml } from "../../src/alerting/notifiers/email-render.js";
import { renderSlack } from "../../src/alerting/slack-blocks.js";
import { checkSlackSignature, parseSlackPayload } from "../../src/http/slack.js";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = Date.parse("2026-11-30T10:00:00Z");
const TS = String(NOW / 1000);
const BODY = "payload=%7B%7D";
const sign = (ts: string, body: string, secret = SECRET): string =>
  `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;

describe("Slack request signatures", () => {
  const cases: [string, { timestamp?: string; signature?: string }, string, number, string][] = [
    ["correct", { timestamp: TS, signature: sign(TS, BODY) }, BODY, NOW, "ok"],
    [
      "5 minutes old exactly",
      { timestamp: TS, signature: sign(TS, BODY) },
      BODY,
      NOW + 300_000,
      "ok",
    ],
    [
      "5 minutes and a second old",
      { timestamp: TS, signature: sign(TS, BODY) },
      BODY,
      NOW + 301_000,
      "stale",
    ],
    [
      "over 5 minutes ahead",
      { timestamp: TS, signature: sign(TS, BODY) },
      BODY,
      NOW - 301_000,
      "stale",
    ],
    [
      "another secret",
      { timestamp: TS, signature: sign(TS, BODY, "x".repeat(32)) },
      BODY,
      NOW,
      "bad",
    ],
    ["another body", { timestamp: TS, signature: sign(TS, BODY) }, `${BODY}&a=1`, NOW, "bad"],
    [
      "another timestamp",
      { timestamp: String(NOW / 1000 - 1), signature: sign(TS, BODY) },
      BODY,
      NOW,
      "bad",
    ],
    [
      "upper-case hex",
      { timestamp: TS, signature: sign(TS, BODY).toUpperCase() },
      BODY,
      NOW,
      "bad",
    ],
    [
      "v1 scheme",
      { timestamp: TS, signature: sign(TS, BODY).replace("v0=", "v1=") },
      BODY,
      NOW,
      "bad",
    ],
    ["not a number", { timestamp: "12a", signature: sign("12a", BODY) }, BODY, NOW, "bad"],
    ["no signature", { timestamp: TS }, BODY, NOW, "missing"],
    ["no timestamp", { signature: sign(TS, BODY) }, BODY, NOW, "missing"],
  ];
  it.each(cases)("%s", (_name, headers, body, now, expected) => {
    expect(
      checkSlackSignature(
        SECRET,
        { timestamp: headers.timestamp, signature: headers.signature },
        body,
        now,
      ),
    ).toBe(expected);
  });
});

describe("Slack interaction payloads", () => {
  const form = (p: unknown): string =>
    new URLSearchParams({ payload: JSON.stringify(p) }).toString();
  const base = {
    type: "block_actions",
    user: { id: "U1", username: "alice" },
    container: { type: "message", message_ts: "1700000000.000100", channel_id: "C1" },
    actions: [{ action_id: "orgwatch_recheck", value: "oncall:acme:x" }],
  };

  it("takes the user, the thread root and the button", () => {
    expect(parseSlackPayload(form(base))).toEqual({
      actionId: "orgwatch_recheck",
      value: "oncall:acme:x",
      user: { id: "U1", name: "alice" },
      channel: "C1",
      threadTs: "1700000000.000100",
    });
    // A button on a reply acts in the reply's thread.
    const reply = { ...base, message: { ts: "1700000009.000200", thread_ts: "1700000000.000100" } };
    expect(parseSlackPayload(form(reply))).toMatchObject({ threadTs: "1700000000.000100" });
  });

  it("names what is wrong with anything else", () => {
    expect(parseSlackPayload("x=1")).toEqual({ error: "the body has no payload field" });
    expect(parseSlackPayload("payload=%7B")).toEqual({ error: "payload is not JSON" });
    const errorOf = (p: unknown): string => {
      const r = parseSlackPayload(form(p));
      return "error" in r ? r.error : "";
    };
    expect(errorOf({ ...base, type: "view_submission" })).toMatch(/^payload\.type: /);
    expect(errorOf({ ...base, actions: [] })).toMatch(/^payload\.actions: /);
  });
});

describe("org page links and buttons in messages", () => {
  const thread: AlertThread = {
    id: "oncall:acme:2026-11-30T09:00:00.000Z",
    notifier: "oncall",
    kind: "incident",
    cause: "app_not_installed",
    createdAt: NOW - 3_600_000,
    version: 1,
    rootRef: null,
    closedAt: null,
    notice: null,
  };
  const member: AlertMember = {
    threadId: thread.id,
    incidentId: "acme:2026-11-30T09:00:00.000Z",
    orgId: "acme",
    joinedAt: NOW - 3_600_000,
    cause: "app_not_installed",
    resolvedAt: null,
    changedVersion: 1,
  };
  const delivery = (kind: AlertDelivery["kind"]): AlertDelivery => ({
    id: `${thread.id}#1`,
    threadId: thread.id,
    seq: 1,
    kind,
    version: 1,
    createdAt: NOW,
    status: "pending",
    attempts: 0,
    nextAttemptAt: NOW,
    lastError: null,
    sentAt: null,
  });
  const ctx = (extra: Partial<MessageContext>): MessageContext => ({
    incident: () => null,
    org: () => ({ name: "Acme <Prod>" }),
    flapping: () => false,
    ...extra,
  });
  const page = (id: string): string => `https://status.example/orgs/${id}`;

  it("links the org's page in Slack, e-mail and text, with buttons while firing", () => {
    const m = buildMessage(
      thread,
      [member],
      delivery("open"),
      [],
      ctx({ orgPage: page, buttons: true }),
    );
    expect(m.text).toContain("Org page: https://status.example/orgs/acme");
    expect(m.links[0]).toEqual({
      label: "Acme <Prod> status page",
      url: "https://status.example/orgs/acme",
    });
    expect(emailHtml(m)).toContain(
      '<a href="https://status.example/orgs/acme">Acme &lt;Prod&gt; status page</a>',
    );
    const actions = renderSlack(m).blocks.find((b) => b.type === "actions");
    expect(actions).toEqual({
      type: "actions",
      block_id: "orgwatch_actions",
      elements: [
        {
          type: "button",
          action_id: "orgwatch_recheck",
          text: { type: "plain_text", text: "Re-check now", emoji: true },
          value: thread.id,
        },
        {
          type: "button",
          action_id: "orgwatch_silence_1h",
          text: { type: "plain_text", text: "Silence 1 h", emoji: true },
          value: thread.id,
        },
      ],
    });
  });

  it("no buttons when resolved or not set up, no link without a public URL", () => {
    const resolved = { ...member, resolvedAt: NOW };
    const done = buildMessage(
      thread,
      [resolved],
      delivery("resolve"),
      [],
      ctx({ orgPage: page, buttons: true }),
    );
    expect(renderSlack(done).blocks.some((b) => b.type === "actions")).toBe(false);
    const plain = buildMessage(thread, [member], delivery("open"), [], ctx({}));
    expect(renderSlack(plain).blocks.some((b) => b.type === "actions")).toBe(false);
    expect(plain.text).not.toContain("Org page");
    expect(plain.links.some((l) => l.url.includes("status"))).toBe(false);
  });
});
