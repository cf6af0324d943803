/**
 * The alerting engine on a real store, with the real webhook, PagerDuty and e-mail notifiers
 * talking to real peers on loopback; passes are recorded through the coordinator and time is a
 * manual clock, so routing, silences, notices, flapping, maxAge and disabling are exact.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertEngine } from "../../src/alerting/engine.js";
import { createNotifier } from "../../src/alerting/notifiers/index.js";
import { loadConfigTree, type LoadedConfig } from "../../src/config/load.js";
import type { CauseId } from "../../src/domain/causes.js";
import type { OrgFacts } from "../../src/domain/result.js";
import { createAlertingMetrics, createMetrics, createRegistry } from "../../src/metrics/index.js";
import { Coordinator } from "../../src/monitor/coordinator.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { createLogger } from "../../src/platform/logger.js";
import { BatchWriter, type RecordedPass, type SqliteHistoryStore } from "../../src/store/index.js";
import { startHttpSink, type HttpSink } from "../helpers/http-sink.js";
import { startSmtpSink, type SmtpSink } from "../../scripts/sinks/smtp-sink.js";
import { fakeResult, tempStore } from "../helpers/store.js";

const T0 = Date.UTC(2026, 10, 9, 9, 0);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const ORGS: Record<string, string[]> = {
  cust: ["customer"],
  ven: [],
  "w-span": ["win"],
  "w-fixed": ["win"],
  "w-inside": ["win"],
  cert: [],
  flap: [],
  late: [],
};

let id: GeneratedIdentity;
let hooks: HttpSink;
let pager: HttpSink;
let smtp: SmtpSink;
let store: SqliteHistoryStore;
let cleanup: () => void;
let coordinator: Coordinator;
let passes: BatchWriter<RecordedPass>;
let engine: AlertEngine;
let registry: ReturnType<typeof createRegistry>;
let config: LoadedConfig;
const clock = new ManualClock(T0);

beforeAll(async () => {
  id = generateIdentity();
  [hooks, pager, smtp] = await Promise.all([startHttpSink(), startHttpSink(), startSmtpSink()]);
});

afterAll(async () => {
  await Promise.all([hooks.close(), pager.close(), smtp.close()]);
});

beforeEach(() => {
  hooks.requests.length = 0;
  pager.requests.length = 0;
  smtp.mails.length = 0;
  hooks.answer({ status: 200 });
  pager.answer({ status: 202, body: '{"status":"success","dedup_key":"x"}' });
  clock.set(T0);
  ({ store, cleanup } = tempStore());
  config = loadConfigTree(
    {
      defaults: { failureThreshold: 1, interval: "5m" },
      alerting: { groupWait: "30s", updateInterval: "30s", retryInitial: "1s", retryMax: "10s" },
      notifiers: [
        {
          name: "hooks",
          kind: "webhook",
          url: hooks.url,
          secret: "hmac-secret-0123456789",
          reminderEvery: "30m",
        },
        { name: "pager", kind: "pagerduty", routingKey: "R0UTINGKEY0123456789", apiUrl: pager.url },
        {
          name: "admins",
          kind: "email",
          smtp: { host: smtp.host, port: smtp.port },
          from: "orgwatch@example.com",
          to: ["sf-admins@example.com"],
        },
      ],
      routes: [
        { match: { tags: ["customer"], owners: ["customer"] }, notify: ["admins"] },
        { match: {}, notify: ["hooks", "pager"] },
      ],
      silences: [
        {
          match: { tags: ["win"] },
          start: new Date(T0 + 10 * MIN).toISOString(),
          end: new Date(T0 + 70 * MIN).toISOString(),
          comment: "sandbox refresh",
        },
      ],
      orgs: Object.entries(ORGS).map(([org, tags]) => ({
        id: org,
        loginUrl: `https://${org}.my.salesforce.com`,
        clientId: "3MVG9test",
        username: `integration@${org}.example`,
        privateKey: id.privateKeyPem,
        tags,
      })),
    },
    { file: "/tmp/alerting.yaml", env: {} },
  );
  expect(config.problems.filter((p) => p.effect !== "warning")).toEqual([]);
  const fleet = new Fleet();
  for (const t of config.orgs) fleet.add(t);
  registry = createRegistry();
  const logger = createLogger({ level: "silent" });
  passes = new BatchWriter<RecordedPass>((b) => store.commitPasses(b));
  coordinator = new Coordinator({
    fleet,
    ledger: store,
    passes,
    metrics: createMetrics({ registry, perOrg: false, orgs: () => [] }),
    logger,
  });
  engine = new AlertEngine({
    config: config.alerting,
    notifiers: config.alerting.notifiers.map((n) => createNotifier(n, { logger, clock })),
    log: store.alerts,
    sources: store,
    org: (id) => fleet.identity(id),
    clock,
    logger,
    metrics: createAlertingMetrics(registry, ["hooks", "pager", "admins"]),
  });
});

afterEach(() => {
  cleanup();
});

let n = 0;
/** Records a pass of an org at a time, healthy or failing with a cause. */
function pass(org: string, at: number, cause: CauseId | null, facts: OrgFacts = {}): void {
  n += 1;
  coordinator.record(
    fakeResult({ orgId: org, at, cause, stage: "rest", checkId: `${org}:${String(n)}`, facts }),
    at,
  );
  passes.flush();
}

/** Moves the clock to `at` and runs one engine round. */
async function tick(at: number): Promise<void> {
  clock.set(at);
  await engine.tick();
}

interface Body {
  kind: string;
  threadId: string;
  orgs: { id: string }[];
  flapping: boolean;
  title: string;
  fix: string[];
}
const bodies = (sink: HttpSink): Body[] =>
  sink.requests.map((r) => JSON.parse(r.raw.toString()) as Body);
const about = (sink: HttpSink, org: string): string[] =>
  bodies(sink)
    .filter((b) => b.orgs.some((o) => o.id === org))
    .map((b) => b.kind);

describe("alerting engine", () => {
  it("routes a customer's cause to the customer's admins and a vendor cause to on-call", async () => {
    pass("cust", T0, "api_disabled");
    pass("ven", T0, "audience_invalid");
    await tick(T0 + 10 * S);
    expect(hooks.requests).toHaveLength(0); // group wait
    await tick(T0 + 31 * S);
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/FIRING.*cust.*api disabled/i),
    ]);
    expect(about(hooks, "ven")).toEqual(["open"]);
    expect(about(hooks, "cust")).toEqual([]);
    const event = JSON.parse(pager.requests[0]?.raw.toString() ?? "{}") as { event_action: string };
    expect(event.event_action).toBe("trigger");
    const body = bodies(hooks)[0];
    expect(body?.fix.length).toBeGreaterThan(0);
    // Nothing secret travelled where it does not belong.
    const wire =
      hooks.requests.map((r) => r.raw.toString()).join() + smtp.mails.map((m) => m.raw).join();
    expect(wire).not.toMatch(/R0UTINGKEY|hmac-secret|BEGIN PRIVATE KEY/);
  });

  it("silences: down across a window is one incident; fixed inside it sends the resolve; all inside it sends nothing", async () => {
    pass("w-span", T0, "ip_restricted");
    pass("w-fixed", T0, "user_inactive");
    await tick(T0 + 1 * MIN); // both opened before the window
    pass("w-inside", T0 + 20 * MIN, "org_inactive");
    await tick(T0 + 21 * MIN);
    pass("w-fixed", T0 + 30 * MIN, null); // fixed during the window
    pass("w-inside", T0 + 40 * MIN, null); // opened and fixed inside it
    await tick(T0 + 31 * MIN);
    await tick(T0 + 41 * MIN);
    pass("w-span", T0 + 75 * MIN, "ip_restricted"); // still down after the window
    await tick(T0 + 76 * MIN);
    // Not a new incident after the window: the same thread, reminded (reminders were quiet
    // while the window held it).
    expect(about(hooks, "w-span")).toEqual(["open", "reminder"]);
    expect(about(hooks, "w-fixed")).toEqual(["open", "resolve"]);
    expect(about(hooks, "w-inside")).toEqual([]);
  });

  it("a certificate copy nearing expiry is a notice once per threshold, not an incident", async () => {
    const notAfter = new Date(T0 + 10 * 24 * H).toISOString();
    pass("cert", T0, null, { certificateNotAfter: notAfter });
    pass("cert", T0 + 24 * H, null, { certificateNotAfter: notAfter });
    await tick(T0 + 24 * H + MIN);
    pass("cert", T0 + 4 * 24 * H, null, { certificateNotAfter: notAfter });
    await tick(T0 + 4 * 24 * H + MIN);
    const notices = bodies(hooks).filter((b) => b.kind === "notice");
    expect(notices.map((b) => b.title)).toEqual([
      expect.stringMatching(/cert.*14 days/),
      expect.stringMatching(/cert.*7 days/),
    ]);
  });

  it("an org that flaps is marked so and its reminders go quiet", async () => {
    for (let i = 0; i < 3; i++) {
      pass("flap", T0 + i * 10 * MIN, "session_invalid");
      await tick(T0 + i * 10 * MIN + MIN);
      if (i < 2) {
        pass("flap", T0 + i * 10 * MIN + 5 * MIN, null);
        await tick(T0 + i * 10 * MIN + 6 * MIN);
      }
    }
    const opens = bodies(hooks).filter((b) => b.kind === "open");
    expect(opens.map((b) => b.flapping)).toEqual([false, false, true]);
    // Reminders every 30 min for this notifier, but not while the org flaps...
    await tick(T0 + 55 * MIN);
    expect(bodies(hooks).filter((b) => b.kind === "reminder")).toHaveLength(0);
    // ...and again once it has stayed down without flapping for the flap window.
    await tick(T0 + 3 * H);
    expect(bodies(hooks).filter((b) => b.kind === "reminder")).toHaveLength(1);
  });

  it("a peer down longer than maxAge: the open is dropped, the resolve still arrives", async () => {
    pager.answer({ status: 500 });
    pass("late", T0, "insufficient_access");
    for (let t = T0 + MIN; t <= T0 + 2 * H; t += MIN) await tick(t);
    pass("late", T0 + 2 * H, null);
    pager.answer({ status: 202, body: "{}" });
    for (let t = T0 + 2 * H + MIN; t <= T0 + 2 * H + 5 * MIN; t += MIN) await tick(t);
    const delivered = pager.requests.map(
      (r) => (JSON.parse(r.raw.toString()) as { event_action: string }).event_action,
    );
    expect(delivered.at(-1)).toBe("resolve");
    const text = await registry.metrics();
    expect(text).toMatch(
      /orgwatch_notifications_dropped_total\{notifier="pager",why="too_old"\} 1/,
    );
    expect(text).toMatch(
      /orgwatch_notification_failures_total\{notifier="pager",reason="server_error"\} [1-9]/,
    );
  });

  it("a permanent error disables one notifier; the others go on", async () => {
    hooks.answer({ status: 401 });
    pass("ven", T0, "audience_invalid");
    await tick(T0 + MIN);
    pass("ven", T0 + 5 * MIN, null);
    await tick(T0 + 6 * MIN);
    expect(hooks.requests).toHaveLength(1);
    const events = pager.requests.map(
      (r) =>
        JSON.parse(r.raw.toString()) as { event_action: string; payload?: { summary: string } },
    );
    expect(events.map((e) => e.event_action).sort()).toEqual(["resolve", "trigger", "trigger"]);
    // The broken channel is itself told on the others, without its secret URL.
    const notice = events.find((e) => e.payload?.summary.includes("notifier hooks is disabled"));
    expect(notice).toBeDefined();
    expect(JSON.stringify(events)).not.toContain(hooks.url);
    expect(await registry.metrics()).toMatch(/orgwatch_notifier_disabled\{notifier="hooks"\} 1/);
  });
});
