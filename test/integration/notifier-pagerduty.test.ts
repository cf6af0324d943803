import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pagerdutyNotifierSchema } from "../../src/config/alerting.js";
import { createPagerdutyNotifier } from "../../src/alerting/notifiers/pagerduty.js";
import { alertMessage, alertOrg, capturedLogger, NEVER, threadSteps } from "../helpers/alerts.js";
import { refusedUrl, startHttpSink, type HttpSink } from "../helpers/http-sink.js";

const ROUTING_KEY = "R0UT1NGKEYc0ffee4242aa55bb66cc77";
const ROOT = { rootRef: null };
const ACCEPTED = JSON.stringify({
  status: "success",
  message: "Event processed",
  dedup_key: "thr-acme-1",
});
let sink: HttpSink;
let apiUrl: string;

beforeEach(async () => {
  sink = await startHttpSink();
  sink.answer({ status: 202, headers: { "content-type": "application/json" }, body: ACCEPTED });
  apiUrl = `${sink.url}/v2/enqueue`;
});
afterEach(async () => {
  await sink.close();
});

function notifier(overrides: Record<string, unknown> = {}) {
  const log = capturedLogger();
  const config = pagerdutyNotifierSchema.parse({
    name: "pd-vendor",
    kind: "pagerduty",
    routingKey: ROUTING_KEY,
    apiUrl,
    timeout: "2s",
    ...overrides,
  });
  return { n: createPagerdutyNotifier(config, { logger: log.logger }), lines: log.lines };
}

type Event = {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: Record<string, unknown> & { custom_details: Record<string, unknown> };
  links?: unknown;
};

function events(): Event[] {
  return sink.requests.map((r) => JSON.parse(r.raw.toString("utf8")) as Event);
}

describe("PagerDuty notifier against a real HTTP server speaking Events API v2", () => {
  it("triggers, re-triggers and resolves one alert under the thread's dedup_key", async () => {
    const { n } = notifier();
    const { open, update, resolve } = threadSteps();
    const reminder = alertMessage({ deliveryId: "thr-acme-1:reminder:1", kind: "reminder" });
    for (const m of [open, update, reminder, resolve]) {
      expect(await n.send(m, ROOT, NEVER)).toEqual({ ok: true });
    }
    expect(sink.requests.map((r) => [r.method, r.path, r.headers["content-type"]])).toEqual(
      Array(4).fill(["POST", "/v2/enqueue", "application/json"]),
    );
    const [first, second, third, last] = events();
    expect([first, second, third, last].map((e) => e?.event_action)).toEqual([
      "trigger",
      "trigger",
      "trigger",
      "resolve",
    ]);
    expect(new Set(events().map((e) => e.dedup_key))).toEqual(new Set(["thr-acme-1"]));
    expect(events().every((e) => e.routing_key === ROUTING_KEY)).toBe(true);
    expect(first?.payload).toMatchObject({
      summary: `${open.title}: ${open.summary}`,
      source: "orgwatch",
      severity: "critical",
      component: "acme",
      group: "app_not_installed",
      class: "customer",
      custom_details: {
        fix: open.fix,
        orgs: open.orgs,
        counts: open.counts,
        changes: [],
        recheck: open.recheck,
      },
    });
    expect(first?.links).toEqual([
      { href: "https://acme.my.salesforce.com/setup", text: "Connected Apps OAuth Usage" },
    ]);
    expect(second?.payload?.group).toBe("user_not_preauthorized");
    // A resolve carries only what PagerDuty reads for it.
    expect(Object.keys(last!).sort()).toEqual(["dedup_key", "event_action", "routing_key"]);
  });

  it("maps severity, sends a notice as info under its own delivery id, and caps the summary", async () => {
    const { n } = notifier();
    const many = Array.from({ length: 25 }, (_, i) => alertOrg(`org${i}`));
    await n.send(
      alertMessage({ severity: "warning", orgs: many, title: "x".repeat(2000) }),
      ROOT,
      NEVER,
    );
    await n.send(
      alertMessage({ deliveryId: "cert:acme:14d", kind: "notice", severity: "critical" }),
      ROOT,
      NEVER,
    );
    const [warning, notice] = events();
    expect(warning?.payload?.severity).toBe("warning");
    expect((warning?.payload?.summary as string).length).toBe(1024);
    expect(warning?.payload?.component).toMatch(/^org0, org1, .*org19 \+5 more$/);
    expect(notice?.event_action).toBe("trigger");
    expect(notice?.payload?.severity).toBe("info");
    expect(notice?.dedup_key).toBe("cert:acme:14d");
  });

  it("a 400 invalid event is rejected for good, with PagerDuty's own words", async () => {
    const { n, lines } = notifier();
    sink.answer({
      status: 400,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        status: "invalid event",
        message: "Event object is invalid",
        errors: [`'routing_key' ${ROUTING_KEY} is not a known integration key`],
      }),
    });
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: "rejected" });
    if (!result.ok) {
      expect(result.detail).toContain("invalid event");
      expect(result.detail).toContain("Event object is invalid");
    }
    expect(JSON.stringify(result) + lines.join("")).not.toContain(ROUTING_KEY);
    expect(lines).toHaveLength(1);
  });

  it.each([
    [
      429,
      { "retry-after": "60" },
      { retryable: true, reason: "rate_limited", retryAfterMs: 60_000 },
    ],
    [429, {}, { retryable: true, reason: "rate_limited" }],
    [500, {}, { retryable: true, reason: "server_error" }],
    [502, {}, { retryable: true, reason: "server_error" }],
    [403, {}, { retryable: false, reason: "auth", disable: true }],
    [301, { location: "https://elsewhere.example/" }, { retryable: false, reason: "rejected" }],
  ] as const)("maps HTTP %i", async (status, headers, want) => {
    const { n, lines } = notifier();
    sink.answer({ status, headers, body: "" });
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(result).toMatchObject({ ok: false, ...want });
    expect(JSON.stringify(result) + lines.join("")).not.toContain(ROUTING_KEY);
  });

  it("a refused connection is retryable", async () => {
    apiUrl = `${await refusedUrl()}/v2/enqueue`;
    const { n } = notifier();
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(result).toMatchObject({ ok: false, retryable: true, reason: "network" });
  });

  it("gives up after config.timeout, and stops on the caller's signal", async () => {
    sink.answer({ hang: true });
    const timed = await notifier({ timeout: "250ms" }).n.send(alertMessage(), ROOT, NEVER);
    expect(timed).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    const aborted = await notifier({ timeout: "10s" }).n.send(
      alertMessage(),
      ROOT,
      controller.signal,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(aborted).toMatchObject({ ok: false, retryable: true, reason: "timeout" });
  });

  it("the routing key is in PagerDuty's body only: never in a result or a log line", async () => {
    const { n, lines } = notifier();
    sink.answer({ status: 500, body: `upstream error for ${ROUTING_KEY}` });
    const result = await n.send(alertMessage(), ROOT, NEVER);
    expect(sink.requests[0]!.raw.toString("utf8")).toContain(ROUTING_KEY);
    expect(JSON.stringify(result) + lines.join("")).not.toContain(ROUTING_KEY);
    expect(lines.join("")).toContain("pagerduty delivery failed");
  });
});
