/** The coordinator's contract on a real SQLite store: admit, record, replay, shutdown. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckJob } from "../../src/domain/job.js";
import type { CheckResult } from "../../src/domain/result.js";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";
import { Coordinator } from "../../src/monitor/coordinator.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { checkOrgHandler } from "../../src/monitor/run-loop.js";
import { metricsViewOf } from "../../src/monitor/views.js";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { createLogger } from "../../src/platform/logger.js";
import { BatchWriter, type RecordedPass, type SqliteHistoryStore } from "../../src/store/index.js";
import { targetsFor } from "../helpers/fleet.js";
import { fakeResult, tempStore } from "../helpers/store.js";

const T0 = Date.UTC(2026, 10, 3, 8);
const MIN = 60_000;

let id: GeneratedIdentity;
let store: SqliteHistoryStore;
let cleanup: () => void;
let fleet: Fleet;
let passes: BatchWriter<RecordedPass>;
let coordinator: Coordinator;
let registry: ReturnType<typeof createRegistry>;
const clock = new ManualClock(T0);

beforeAll(() => {
  id = generateIdentity();
});

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  fleet = new Fleet();
  for (const t of targetsFor(id, [{ id: "acme", scenario: "healthy" }], 1, {
    defaults: { failureThreshold: 1, interval: "5m" },
  }))
    fleet.add(t);
  registry = createRegistry();
  const metrics = createMetrics({ registry, perOrg: true, orgs: () => metricsViewOf(fleet, T0) });
  passes = new BatchWriter<RecordedPass>((b) => store.commitPasses(b));
  coordinator = new Coordinator({
    fleet,
    ledger: store,
    passes,
    metrics,
    logger: createLogger({ level: "silent" }),
  });
});

afterEach(() => {
  cleanup();
});

function count(table: string): number {
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe("coordinator", () => {
  it("admit takes a login and builds a job without key material", async () => {
    const admission = await coordinator.admit("acme", T0, T0);
    expect(admission.kind).toBe("run");
    const job = (admission as { job: CheckJob }).job;
    expect(job).toMatchObject({
      orgId: "acme",
      dueAt: T0,
      checkId: `acme:${new Date(T0).toISOString()}`,
    });
    expect(JSON.stringify(job)).not.toMatch(/PRIVATE KEY|BEGIN|MII/);
    expect(store.loginsSince("integration@acme.example", 0)).toBe(1);
    expect(await coordinator.admit("nope", T0, T0)).toEqual({ kind: "unknown" });
  });

  it("a pass adopted at a takeover is admitted without a second login, once", async () => {
    // The previous coordinator admitted (and charged) the pass due at T0, then died.
    await coordinator.admit("acme", T0, T0);
    coordinator.adopt("acme", T0);
    expect((await coordinator.admit("acme", T0, T0 + 1000)).kind).toBe("run");
    expect(store.loginsSince("integration@acme.example", 0)).toBe(1);
    // The next pass is a new one and pays its own login.
    expect((await coordinator.admit("acme", T0 + 5 * MIN, T0 + 5 * MIN)).kind).toBe("run");
    expect(store.loginsSince("integration@acme.example", 0)).toBe(2);
  });

  it("recording the same result twice changes nothing", async () => {
    const r = fakeResult({ orgId: "acme", at: T0, cause: "api_disabled", stage: "rest" });
    const first = coordinator.record(r, T0 + 1000);
    expect(first).toMatchObject({ replay: false, event: { kind: "opened" } });
    passes.flush();
    const rows = [count("checks"), count("incidents"), count("outbox")];
    const metricsBefore = await registry.getSingleMetricAsString("orgwatch_checks_total");
    const again = coordinator.record(r, T0 + 2000);
    expect(again).toMatchObject({ replay: true, event: null, state: first?.state });
    expect(again?.nextDueAt).toBe(first?.nextDueAt);
    passes.flush();
    expect([count("checks"), count("incidents"), count("outbox")]).toEqual(rows);
    expect(await registry.getSingleMetricAsString("orgwatch_checks_total")).toBe(metricsBefore);
  });

  it("a cause change while down updates the open incident and writes one outbox event", () => {
    const results: CheckResult[] = [
      fakeResult({ orgId: "acme", at: T0, cause: "api_disabled", stage: "rest" }),
      fakeResult({ orgId: "acme", at: T0 + 5 * MIN, cause: "api_disabled", stage: "rest" }),
      fakeResult({ orgId: "acme", at: T0 + 10 * MIN, cause: "insufficient_access", stage: "rest" }),
      fakeResult({ orgId: "acme", at: T0 + 15 * MIN }),
    ];
    const events = results.map((r) => coordinator.record(r, Date.parse(r.finishedAt))?.event?.kind);
    expect(events).toEqual(["opened", undefined, "cause_changed", "resolved"]);
    passes.flush();
    const incidents = store.incidentsOf("acme", 10);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      cause: "insufficient_access",
      closedAt: results[3]?.startedAt,
      causes: [
        { cause: "api_disabled", at: results[0]?.startedAt },
        { cause: "insufficient_access", at: results[2]?.startedAt },
      ],
    });
    expect(store.outboxAfter(0, 10).map((e) => `${e.kind}:${e.incidentId}`)).toEqual(
      ["opened", "cause_changed", "resolved"].map((k) => `${k}:${incidents[0]?.id ?? ""}`),
    );
    expect(store.getOrgState("acme")).toMatchObject({ state: "healthy", incidentId: null });
  });

  it("a pass abandoned at shutdown is never written", async () => {
    const abort = new AbortController();
    let finish: (r: CheckResult) => void = () => {};
    const handler = checkOrgHandler({
      coordinator,
      clock,
      worker: { run: () => new Promise<CheckResult>((resolve) => (finish = resolve)) },
    });
    const running = handler("acme", T0, abort.signal);
    await new Promise((r) => setTimeout(r, 5));
    abort.abort(); // the scheduler's grace period ran out
    coordinator.close();
    finish(fakeResult({ orgId: "acme", at: T0 }));
    expect(await running).toBe(Number.MAX_SAFE_INTEGER);
    passes.close();
    expect(count("checks")).toBe(0);
    expect(store.getOrgState("acme")).toBeNull();
    // And a result that arrives after close by another way is dropped too.
    expect(coordinator.record(fakeResult({ orgId: "acme", at: T0 + MIN }), T0 + MIN)).toBeNull();
  });

  it("removing an org drops it from the fleet, its series and its records", async () => {
    coordinator.record(fakeResult({ orgId: "acme", at: T0 }), T0);
    const removed: string[] = [];
    fleet.onRemove((orgId) => removed.push(orgId));
    expect(fleet.remove("acme")).toBe(true);
    expect(removed).toEqual(["acme"]);
    // Per-org families are streamed text, not prom-client metrics: read the whole exposition.
    expect(await registry.metrics()).not.toContain('org="acme"');
    expect(await coordinator.admit("acme", T0, T0)).toEqual({ kind: "unknown" });
    expect(coordinator.record(fakeResult({ orgId: "acme", at: T0 + MIN }), T0 + MIN)).toBeNull();
  });
});
