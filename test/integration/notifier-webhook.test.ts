import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webhookNotifierSchema } from "../../src/config/alerting.js";
import { createWebhookNotifier } from "../../src/alerting/notifiers/webhook.js";
import type { SendResult } from "../../src/alerting/types.js";
import { alertMessage, capturedLogger, NEVER, threadSteps } from "../helpers/alerts.js";
import { refusedUrl, startHttpSink, type HttpSink } from "../helpers/http-sink.js";

const HMAC_SECRET = "whsec-3f9a0c1d7e";
const ROOT = { rootRef: null };
let sink: HttpSink;
let url: string;

beforeEach(async () => {
  sink = await startHttpSink();
  // A token in the path, as Slack-style and Teams-style webhook URLs carry one.
  url = `${sink.url}/hooks/T0KEN-a81f9c2e`;
});
afterEach(async () => {
  await sink.close();
});

function notifier(overrides: Record<string, unknown> = {}) {
  const log = capturedLogger();
  const config = webhookNotifierSchema.parse({
    name: "ops-hook",
    kind: "webhook",
    url,
    secret: HMAC_SECRET,
    timeout: "2s",
    ...overrides,
  });
  return { n: createWebhookNotifier(config, { logger: log.logger }), lines: log.lines };
}

/** A receiver's check, as docs/notifiers/webhook.md shows it. */
function verify(secret: string, raw: Buffer, header: string | undefined): boolean {
  const want = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const got = Buffer.from(header ?? "");
  return got.length === want.length && timingSafeEqual(got, want);
}

function expectNoSecret(result: SendResult, lines: string[]): void {
  const seen = JSON.stringify(result) + lines.join("\n");
  expect(seen).not.toContain("T0KEN-a81f9c2e");
  expect(seen).not.toContain(sink.url);
  expect(seen).not.toContain(HMAC_SECRET);
}

describe("webhook notifier against a real HTTP server", () => {
  it("POSTs the documented JSON body with its headers, and the signature verifies", async () => {
    const { n } = notifier();
    const message = alertMessage();
    expect(await n.send(message, ROOT, NEVER)).toEqual({ ok: true });
    const [req] = sink.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/hooks/T0KEN-a81f9c2e");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["user-agent"]).toBe("orgwatch");
    expect(req?.headers["x-orgwatch-delivery"]).toBe("thr-acme-1:open");
    const body = JSON.parse(req!.raw.toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        "version",
        "deliveryId",
        "threadId",
        "kind",
        "state",
        "severity",
        "cause",
        "owner",
        "title",
        "summary",
        "fix",
        "links",
        "orgs",
        "counts",
        "openedAt",
        "resolvedAt",
        "changes",
        "flapping",
        "text",
        "recheck",
      ].sort(),
    );
    expect(body).toMatchObject({
      version: 1,
      deliveryId: message.deliveryId,
      threadId: message.threadId,
      kind: "open",
      state: "firing",
      severity: "critical",
      cause: "app_not_installed",
      owner: "customer",
      fix: message.fix,
      orgs: message.orgs,
      counts: { total: 1, open: 1 },
      text: message.text,
    });
    expect(verify(HMAC_SECRET, req!.raw, req?.headers["x-orgwatch-signature"] as string)).toBe(
      true,
    );
    expect(verify("another-secret", req!.raw, req?.headers["x-orgwatch-signature"] as string)).toBe(
      false,
    );
    // The signature covers the exact bytes: one changed byte no longer verifies.
    const tampered = Buffer.from(req!.raw.toString("utf8").replace('"critical"', '"warning"'));
    expect(verify(HMAC_SECRET, tampered, req?.headers["x-orgwatch-signature"] as string)).toBe(
      false,
    );
    expect(req!.raw.toString("utf8")).not.toContain(HMAC_SECRET);
  });

  it("sends no signature header without a secret, and one delivery id per message", async () => {
    const { n } = notifier({ secret: undefined });
    const { open, update, resolve } = threadSteps();
    for (const m of [open, update, resolve]) expect((await n.send(m, ROOT, NEVER)).ok).toBe(true);
    expect(sink.requests.map((r) => r.headers["x-orgwatch-signature"])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(sink.requests.map((r) => r.headers["x-orgwatch-delivery"])).toEqual([
      open.deliveryId,
      update.deliveryId,
      resolve.deliveryId,
    ]);
    const last = JSON.parse(sink.requests[2]!.raw.toString("utf8")) as { state: string };
    expect(last.state).toBe("resolved");
  });

  it.each([
    [
      429,
      { "retry-after": "30" },
      { retryable: true, reason: "rate_limited", retryAfterMs: 30_000 },
    ],
    [500, {}, { retryable: true, reason: "server_error" }],
    [503, { "retry-after": "5" }, { retryable: true, reason: "server_error", retryAfterMs: 5000 }],
    [400, {}, { retryable: false, reason: "rejected" }],
    [404, {}, { retryable: false, reason: "rejected" }],
    [401, {}, { retryable: false, reason: "auth", disable: true }],
    [403, {}, { retryable: false, reason: "auth", disable: true }],
  ] as const)("maps HTTP %i", async (status, headers, want) => {
    const { n, lines } = notifier();
    sink.answer({ status, headers, body: `refused: ${url}` });
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(result).toMatchObject({ ok: false, ...want });
    if (!result.ok) expect(result.detail).toContain(`HTTP ${status}`);
    expect(lines.length).toBe(1);
    // The sink echoed the URL in its body: the detail and the log must not repeat it.
    expectNoSecret(result, lines);
  });

  it("never follows a redirect: a 3xx is rejected and the target gets nothing", async () => {
    const other = await startHttpSink();
    try {
      const { n, lines } = notifier();
      sink.answer({ status: 307, headers: { location: `${other.url}/steal` } });
      const result = await n.send(alertMessage(), ROOT, NEVER);
      expect(result).toMatchObject({ ok: false, retryable: false, reason: "rejected" });
      expect(other.requests).toHaveLength(0);
      expectNoSecret(result, lines);
    } finally {
      await other.close();
    }
  });

  it("a refused connection is a retryable network failure that names no URL", async () => {
    url = `${await refusedUrl()}/hooks/T0KEN-a81f9c2e`;
    const { n, lines } = notifier();
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: "network" });
    if (!result.ok) expect(result.detail).toContain("ECONNREFUSED");
    expect(JSON.stringify(result) + lines.join("")).not.toContain("T0KEN-a81f9c2e");
    expect(JSON.stringify(result)).not.toContain("127.0.0.1");
  });

  it("gives up after config.timeout when the receiver hangs", async () => {
    const { n, lines } = notifier({ timeout: "300ms" });
    sink.answer({ hang: true });
    const started = performance.now();
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    expectNoSecret(result, lines);
  });

  it("stops when the caller's signal aborts", async () => {
    const { n } = notifier({ timeout: "10s" });
    sink.answer({ hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await n.send(alertMessage(), ROOT, controller.signal);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    if (!result.ok) expect(result.detail).toContain("cancelled");
  });
});
