import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import type { CauseId } from "../../src/domain/causes.js";
import type { HealthEvent } from "../../src/domain/incident.js";
import type { CheckResult } from "../../src/domain/result.js";
import { historyOf, initialState, type OrgState } from "../../src/domain/state.js";
import {
  BatchWriter,
  MIGRATIONS,
  migrate,
  openStore,
  type RecordedPass,
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
    expect(versions).toEqual([1, 2, 3, 4, 5].map((version) => ({ version })));
    again.close();
  });

  it("applies only the new step of a longer list", () => {
    const db = new Database(":memory:");
    expect(migrate(db)).toEqual([1, 2, 3, 4, 5]);
    const extra = { version: 6, name: "extra", sql: "CREATE TABLE extra (x INTEGER)" };
    expect(migrate(db, [extra])).toEqual([6]);
    expect(migrate(db, [extra])).toEqual([]);
    db.close();
  });
});

describe("migration 3 upgrades a version-2 history in place", () => {
  it("keeps the token-success fact, derives the healthy one, links the open incident", () => {
    const db = new Database(":memory:");
    migrate(db, MIGRATIONS.slice(0, 2));
    db.exec(`
      INSERT INTO checks (check_id, org_id, started_at, finished_at, healthy, cause, stage)
        VALUES ('acme:a', 'acme', 1000, 1100, 1, NULL, NULL),
               ('acme:b', 'acme', 2000, 2100, 0, 'api_disabled', 'rest');
      INSERT INTO org_state (org_id, state, cause, last_success_at)
        VALUES ('acme', 'unhealthy', 'api_disabled', 2000);
      INSERT INTO incidents (id, org_id, cause, opened_at, closed_at, last_check_id)
        VALUES ('acme:api_disabled:x', 'acme', 'api_disabled', 2000, NULL, 'acme:b');
    `);
    expect(migrate(db)).toEqual([3, 4, 5]);
    const row = db.prepare("SELECT * FROM org_state").get() as Record<string, unknown>;
    expect(row).toMatchObject({
      last_token_success_at: 2000,
      last_healthy_at: 1000,
      incident_id: "acme:api_disabled:x",
    });
    expect(db.prepare("SELECT * FROM incident_causes").all()).toEqual([
      {
        incident_id: "acme:api_disabled:x",
        at: 2000,
        cause: "api_disabled",
        check_id: "acme:b",
        stage: null,
        severity: null,
        transient: 0,
        summary: null,
        fix: null,
      },
    ]);
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
    let committed = 0;
    const writer = new BatchWriter<CheckResult>(
      (rs) => {
        calls.push(rs.length);
        return store.recordResults(rs);
      },
      { maxBatch: 3, flushIntervalMs: 60_000, onFlush: (n) => (committed += n) },
    );
    for (let i = 0; i < 7; i += 1) writer.add(fakeResult({ orgId: "acme", at: T0 + i }));
    expect(calls).toEqual([3, 3]);
    expect(writer.pending).toBe(1);
    expect(writer.close()).toBe(1);
    expect(calls).toEqual([3, 3, 1]);
    expect(committed).toBe(7);
    expect(count("checks")).toBe(7);
    expect(() => writer.add(fakeResult({ orgId: "acme", at: T0 }))).toThrow(/closed/);
  });

  it("flushes on its timer", async () => {
    let writer: BatchWriter<CheckResult> | undefined;
    const flushed = new Promise<number>((resolve) => {
      writer = new BatchWriter<CheckResult>((rs) => store.recordResults(rs), {
        maxBatch: 100,
        flushIntervalMs: 5,
        onFlush: resolve,
      });
      writer.add(fakeResult({ orgId: "timer", at: T0 }));
    });
    expect(await flushed).toBe(1);
    expect(writer?.pending).toBe(0);
    expect(count("checks")).toBe(1);
  });

  it("keeps a failed batch queued, in order, and reports the error", () => {
    const errors: unknown[] = [];
    let fail = true;
    const writer = new BatchWriter<CheckResult>(
      (rs) => {
        if (fail) throw new Error("disk I/O error");
        return store.recordResults(rs);
      },
      { maxBatch: 2, onError: (e) => errors.push(e) },
    );
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
    ...initialState(orgId),
    state: "unhealthy",
    cause: "user_inactive",
    stateSince: "2026-03-01T00:00:00.000Z",
    consecutiveFailures: 3,
    lastCheckAt: "2026-03-02T10:00:00.000Z",
    lastTokenSuccessAt: "2026-02-28T10:00:00.000Z",
    lastHealthyAt: "2026-02-27T10:00:00.000Z",
    firstSeenAt: "2026-01-01T00:00:00.000Z",
    firstSuccessAt: "2026-01-01T00:05:00.000Z",
    lastOrganizationId: "00D000000000001AAA",
    lastUsername: "integration@acme.example",
    lastInstanceUrl: "https://acme.my.salesforce.com",
    configHash: "abc",
    nextCheckAt: "2026-03-02T10:05:00.000Z",
    backoffLevel: 2,
    incidentId: "acme:2026-03-01T00:00:00.000Z",
    apiUsage: { used: 10, max: 15_000, at: "2026-02-28T10:00:00.000Z" },
    ...patch,
  };
}

describe("org state", () => {
  it("round-trips every field, upserts, and lists in one query", () => {
    expect(store.getOrgState("acme")).toBeNull();
    store.putOrgState(state("acme"));
    store.putOrgState(state("beta", { state: "healthy", cause: null, apiUsage: null }));
    expect(store.getOrgState("acme")).toEqual(state("acme"));
    expect(store.getOrgState("beta")?.apiUsage).toBeNull();
    store.putOrgState(state("acme", { backoffLevel: 0, state: "healthy", cause: null }));
    expect(store.getOrgState("acme")?.backoffLevel).toBe(0);
    expect(store.listOrgStates().map((s) => [s.orgId, s.state])).toEqual([
      ["acme", "healthy"],
      ["beta", "healthy"],
    ]);
    expect(historyOf(store.getOrgState("acme"))).toEqual({
      firstSeenAt: "2026-01-01T00:00:00.000Z",
      firstSuccessAt: "2026-01-01T00:05:00.000Z",
      lastSuccessAt: "2026-02-28T10:00:00.000Z",
      lastOrganizationId: "00D000000000001AAA",
      lastUsername: "integration@acme.example",
      lastInstanceUrl: "https://acme.my.salesforce.com",
      configChangedAt: null,
    });
    expect(historyOf(null)).toEqual(EMPTY_HISTORY);
  });
});

/** A recorded pass as the coordinator hands it over. */
function recorded(
  at: number,
  cause: CauseId | null,
  event: HealthEvent | null,
  incidentId: string | null,
): RecordedPass {
  const result = fakeResult({ orgId: "acme", at, cause });
  return {
    result,
    state: state("acme", {
      state: cause ? "unhealthy" : "healthy",
      cause,
      lastCheckAt: result.startedAt,
      incidentId,
    }),
    event,
    notices: [],
  };
}

describe("passes, incidents and the outbox commit together", () => {
  const opened = new Date(T0).toISOString();
  const id = `acme:${opened}`;
  const passes = [
    recorded(T0, "user_inactive", { kind: "opened", incidentId: id, cause: "user_inactive" }, id),
    recorded(T0 + MIN, "user_inactive", null, id),
    recorded(
      T0 + 2 * MIN,
      "ip_restricted",
      { kind: "cause_changed", incidentId: id, from: "user_inactive", cause: "ip_restricted" },
      id,
    ),
    recorded(
      T0 + 3 * MIN,
      null,
      { kind: "resolved", incidentId: id, cause: "ip_restricted" },
      null,
    ),
  ];

  it("a cause change updates the same incident and keeps its cause history", () => {
    expect(store.commitPasses(passes.slice(0, 3))).toHaveLength(3);
    const open = store.openIncidentFor("acme");
    expect(open).toMatchObject({ id, cause: "ip_restricted", openedAt: opened, closedAt: null });
    expect(open?.causes.map((c) => c.cause)).toEqual(["user_inactive", "ip_restricted"]);
    expect(store.getOrgState("acme")).toMatchObject({ cause: "ip_restricted", incidentId: id });
    store.commitPasses(passes.slice(3));
    expect(store.openIncidentFor("acme")).toBeNull();
    expect(store.incident(id)).toMatchObject({ closedAt: new Date(T0 + 3 * MIN).toISOString() });
    expect(store.incidentsOf("acme", 10).map((i) => i.id)).toEqual([id]);
    expect(store.outboxAfter(0, 10).map((e) => [e.kind, e.cause, e.fromCause])).toEqual([
      ["opened", "user_inactive", null],
      ["cause_changed", "ip_restricted", "user_inactive"],
      ["resolved", "ip_restricted", null],
    ]);
  });

  it("recording the same passes again changes nothing", () => {
    store.commitPasses(passes);
    const snapshot = (): unknown[] => [
      count("checks"),
      count("check_results"),
      count("incidents"),
      count("incident_causes"),
      count("outbox"),
      store.getOrgState("acme"),
      store.incident(id),
    ];
    const before = snapshot();
    expect(store.commitPasses(passes)).toEqual([]);
    // Even a replay of an older pass never rewinds the state.
    expect(store.commitPasses([passes[1]!])).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  it("outbox readers resume from their cursor", () => {
    store.commitPasses(passes);
    expect(store.outboxCursor("alerting")).toBe(0);
    const [first, ...rest] = store.outboxAfter(0, 10);
    store.ackOutbox("alerting", first!.seq);
    store.ackOutbox("alerting", 0); // never backwards
    expect(store.outboxCursor("alerting")).toBe(first!.seq);
    expect(store.outboxAfter(store.outboxCursor("alerting"), 10)).toEqual(rest);
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
