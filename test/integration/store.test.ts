import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import {
  BatchWriter,
  migrate,
  openStore,
  type OrgState,
  type SqliteHistoryStore,
} from "../../src/store/index.js";
import { fakeResult, tempStore } from "../helpers/store.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
let store: SqliteHistoryStore;
let path: string;
let cleanup: () => void;

beforeEach(() => {
  ({ store, path, cleanup } = tempStore());
});
afterEach(() => cleanup());

const count = (table: string): number =>
  (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("opening and migrations", () => {
  it("creates the folder, uses WAL with synchronous=NORMAL and a busy timeout", () => {
    expect(existsSync(path)).toBe(true);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(1);
    expect(store.db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("records each migration once and re-running applies nothing", () => {
    expect(migrate(store.db)).toEqual([]);
    store.close();
    const again = openStore(path);
    const versions = again.db.prepare("SELECT version FROM schema_migrations ORDER BY 1").all();
    expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
    again.close();
  });

  it("applies only the new step of a longer list", () => {
    const db = new Database(":memory:");
    expect(migrate(db)).toEqual([1, 2]);
    const extra = { version: 3, name: "extra", sql: "CREATE TABLE extra (x INTEGER)" };
    expect(migrate(db, [extra])).toEqual([3]);
    expect(migrate(db, [extra])).toEqual([]);
    db.close();
  });
});

describe("recording results", () => {
  it("writes one pass row and one row per stage, with the cause on the failing stage", () => {
    const added = store.recordResults([
      fakeResult({ orgId: "acme", at: T0 }),
      fakeResult({ orgId: "beta", at: T0, cause: "user_inactive", stage: "token" }),
    ]);
    expect(added).toBe(2);
    expect(count("checks")).toBe(2);
    expect(count("check_results")).toBe(14);
    const failing = store.db
      .prepare("SELECT stage, cause FROM check_results WHERE org_id = 'beta' AND cause IS NOT NULL")
      .all();
    expect(failing).toEqual([{ stage: "token", cause: "user_inactive" }]);
  });

  it("recording the same result twice is a no-op", () => {
    const r = fakeResult({ orgId: "acme", at: T0, cause: "key_invalid", stage: "local" });
    expect(store.recordResults([r])).toBe(1);
    expect(store.recordResults([r, r])).toBe(0);
    expect(count("checks")).toBe(1);
    expect(count("check_results")).toBe(7);
  });

  it("stores no evidence text", () => {
    const r = fakeResult({ orgId: "acme", at: T0, cause: "invalid_assertion" });
    const secret = "eyJhbGciOiJSUzI1NiJ9.SECRET-ASSERTION";
    r.stages[1] = {
      ...r.stages[1]!,
      evidence: { kind: "http", bodyExcerpt: secret, message: secret },
    };
    store.recordResults([r]);
    store.db.pragma("wal_checkpoint(TRUNCATE)");
    expect(readFileSync(path).includes(Buffer.from("SECRET-ASSERTION"))).toBe(false);
  });

  it("lists recent checks newest first and the passes where health or cause changed", () => {
    const causes = [null, null, "user_inactive", "user_inactive", "ip_restricted", null] as const;
    store.recordResults(
      causes.map((cause, i) => fakeResult({ orgId: "acme", at: T0 + i * MIN, cause })),
    );
    const recent = store.recentChecks("acme", 2);
    expect(recent.map((c) => c.cause)).toEqual([null, "ip_restricted"]);
    expect(recent[1]?.stages.find((s) => s.stage === "token")?.ok).toBe(false);
    const changes = store.transitions("acme");
    expect(changes.map((c) => [c.startedAt, c.healthy, c.cause])).toEqual([
      [new Date(T0 + 5 * MIN).toISOString(), true, null],
      [new Date(T0 + 4 * MIN).toISOString(), false, "ip_restricted"],
      [new Date(T0 + 2 * MIN).toISOString(), false, "user_inactive"],
      [new Date(T0).toISOString(), true, null],
    ]);
  });
});

describe("batch writer", () => {
  it("commits full batches at once and the rest on close, in one call per batch", () => {
    const calls: number[] = [];
    const committed: string[] = [];
    const spy = {
      recordResults: (rs: readonly unknown[]) => (
        calls.push(rs.length),
        store.recordResults(rs as never)
      ),
    };
    const writer = new BatchWriter(spy, {
      maxBatch: 3,
      flushIntervalMs: 60_000,
      onFlush: (ids) => committed.push(...ids),
    });
    for (let i = 0; i < 7; i += 1) writer.add(fakeResult({ orgId: "acme", at: T0 + i }));
    expect(calls).toEqual([3, 3]);
    expect(writer.pending).toBe(1);
    expect(writer.close()).toBe(1);
    expect(calls).toEqual([3, 3, 1]);
    expect(committed).toHaveLength(7);
    expect(count("checks")).toBe(7);
    expect(() => writer.add(fakeResult({ orgId: "acme", at: T0 }))).toThrow(/closed/);
  });

  it("flushes on its timer", async () => {
    let writer: BatchWriter | undefined;
    const flushed = new Promise<string[]>((resolve) => {
      writer = new BatchWriter(store, { maxBatch: 100, flushIntervalMs: 5, onFlush: resolve });
      writer.add(fakeResult({ orgId: "timer", at: T0 }));
    });
    expect(await flushed).toEqual([`timer:${T0}`]);
    expect(writer?.pending).toBe(0);
    expect(count("checks")).toBe(1);
  });

  it("keeps a failed batch queued and reports the error", () => {
    const errors: unknown[] = [];
    let fail = true;
    const flaky = {
      recordResults: (rs: readonly unknown[]) => {
        if (fail) throw new Error("disk I/O error");
        return store.recordResults(rs as never);
      },
    };
    const writer = new BatchWriter(flaky, { maxBatch: 2, onError: (e) => errors.push(e) });
    writer.add(fakeResult({ orgId: "acme", at: T0 }));
    writer.add(fakeResult({ orgId: "acme", at: T0 + 1 }));
    expect(errors).toHaveLength(1);
    expect(writer.pending).toBe(2);
    fail = false;
    expect(writer.close()).toBe(2);
    expect(count("checks")).toBe(2);
  });
});

function state(orgId: string, patch: Partial<OrgState> = {}): OrgState {
  return {
    orgId,
    state: "unhealthy",
    cause: "user_inactive",
    stateSince: "2026-03-01T00:00:00.000Z",
    consecutiveFailures: 3,
    consecutiveSuccesses: 0,
    lastCheckAt: "2026-03-02T10:00:00.000Z",
    lastSuccessAt: "2026-02-28T10:00:00.000Z",
    firstSeenAt: "2026-01-01T00:00:00.000Z",
    firstSuccessAt: "2026-01-01T00:05:00.000Z",
    lastOrganizationId: "00D000000000001AAA",
    lastUsername: "integration@acme.example",
    lastInstanceUrl: "https://acme.my.salesforce.com",
    configHash: "abc",
    configChangedAt: null,
    nextCheckAt: "2026-03-02T10:05:00.000Z",
    backoffLevel: 2,
    ...patch,
  };
}

describe("org state", () => {
  it("round-trips, upserts and maps the classifier's history", () => {
    expect(store.getOrgState("acme")).toBeNull();
    expect(store.getOrgHistory("acme")).toEqual(EMPTY_HISTORY);
    store.putOrgState(state("acme"));
    store.putOrgState(state("beta", { state: "healthy", cause: null }));
    expect(store.getOrgState("acme")).toEqual(state("acme"));
    store.putOrgState(state("acme", { backoffLevel: 0, state: "healthy", cause: null }));
    expect(store.getOrgState("acme")?.backoffLevel).toBe(0);
    expect(store.listOrgStates().map((s) => [s.orgId, s.state])).toEqual([
      ["acme", "healthy"],
      ["beta", "healthy"],
    ]);
    expect(store.getOrgHistory("acme")).toEqual({
      firstSeenAt: "2026-01-01T00:00:00.000Z",
      firstSuccessAt: "2026-01-01T00:05:00.000Z",
      lastSuccessAt: "2026-02-28T10:00:00.000Z",
      lastOrganizationId: "00D000000000001AAA",
      lastUsername: "integration@acme.example",
      lastInstanceUrl: "https://acme.my.salesforce.com",
      configChangedAt: null,
    });
  });
});

describe("incidents", () => {
  const open = {
    orgId: "acme",
    cause: "user_inactive" as const,
    openedAt: "2026-03-02T10:00:00.000Z",
    checkId: "c1",
  };

  it("opens once, keeps one open incident per org, and closes once", () => {
    const first = store.openIncident(open);
    expect(first).toMatchObject({
      created: true,
      incident: { id: "acme:user_inactive:2026-03-02T10:00:00.000Z", closedAt: null },
    });
    expect(store.openIncident(open).created).toBe(false);
    const other = store.openIncident({
      ...open,
      cause: "ip_restricted",
      openedAt: "2026-03-02T11:00:00.000Z",
    });
    expect(other).toEqual({ created: false, incident: first.incident });
    expect(store.openIncidentFor("acme")?.id).toBe(first.incident.id);
    expect(store.closeIncident(first.incident.id, "2026-03-02T12:00:00.000Z", "c9")).toBe(true);
    expect(store.closeIncident(first.incident.id, "2026-03-02T12:05:00.000Z")).toBe(false);
    expect(store.openIncidentFor("acme")).toBeNull();
    expect(store.openIncident(open)).toMatchObject({
      created: false,
      incident: { closedAt: "2026-03-02T12:00:00.000Z", lastCheckId: "c9" },
    });
    expect(count("incidents")).toBe(1);
  });

  it("keeps one delivery record per (incident, notifier, kind)", () => {
    const { incident } = store.openIncident(open);
    const base = { incidentId: incident.id, notifier: "slack-oncall", kind: "open" as const };
    store.putDelivery({
      ...base,
      deliveredAt: null,
      externalRef: null,
      attempts: 1,
      lastError: "rate limited",
    });
    store.putDelivery({
      ...base,
      deliveredAt: "2026-03-02T10:00:05.000Z",
      externalRef: "1700000000.000100",
      attempts: 2,
      lastError: null,
    });
    expect(store.getDelivery(incident.id, "slack-oncall", "open")).toEqual({
      ...base,
      deliveredAt: "2026-03-02T10:00:05.000Z",
      externalRef: "1700000000.000100",
      attempts: 2,
      lastError: null,
    });
    expect(store.getDelivery(incident.id, "slack-oncall", "resolve")).toBeNull();
    expect(count("incident_deliveries")).toBe(1);
  });
});

describe("login ledger", () => {
  it("counts logins per user in a window and is pruned after two hours", () => {
    for (let i = 0; i < 5; i += 1) store.recordLogin("u@acme.example", T0 + i * 20 * MIN);
    store.recordLogin("other@acme.example", T0);
    const now = T0 + 80 * MIN;
    expect(store.loginsSince("u@acme.example", now - HOUR)).toBe(4);
    expect(store.loginsSince("nobody", now - HOUR)).toBe(0);
    expect(store.loginTimesSince("u@acme.example", now - HOUR)).toEqual(
      [20, 40, 60, 80].map((m) => T0 + m * MIN),
    );
    const pruned = store.prune(T0 + 2 * HOUR + 30 * MIN, { raw: 1e12, hourly: 1e12, daily: 1e12 });
    expect(pruned.logins).toBe(3);
    expect(store.loginsSince("u@acme.example", 0)).toBe(3);
  });
});
