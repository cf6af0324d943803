import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqliteHistoryStore } from "../../src/store/index.js";
import { fakeResult, tempStore } from "../helpers/store.js";

const DAY0 = Date.parse("2026-03-02T00:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let store: SqliteHistoryStore;
let cleanup: () => void;

beforeEach(() => {
  ({ store, cleanup } = tempStore());
});
afterEach(() => cleanup());

/** Four passes of acme in hour 10 (one failing), two of beta in hour 11. */
function seed(): void {
  store.recordResults([
    fakeResult({ orgId: "acme", at: DAY0 + 10 * HOUR, tokenMs: 100 }),
    fakeResult({ orgId: "acme", at: DAY0 + 10 * HOUR + 15 * MIN, tokenMs: 300 }),
    fakeResult({
      orgId: "acme",
      at: DAY0 + 10 * HOUR + 30 * MIN,
      tokenMs: 200,
      cause: "user_inactive",
    }),
    fakeResult({
      orgId: "acme",
      at: DAY0 + 10 * HOUR + 45 * MIN,
      tokenMs: 50,
      cause: "key_invalid",
      stage: "local",
    }),
    fakeResult({ orgId: "beta", at: DAY0 + 11 * HOUR, tokenMs: 80 }),
    fakeResult({ orgId: "beta", at: DAY0 + 11 * HOUR + 5 * MIN, tokenMs: 120 }),
  ]);
}

describe("rollup", () => {
  it("computes completed hourly buckets only, with causes and token duration figures", () => {
    seed();
    expect(store.rollup(DAY0 + 11 * HOUR + 30 * MIN)).toEqual({ hourly: 1, daily: 0 });
    const [acme] = store.rollups("hourly", "acme", 0);
    expect(acme).toEqual({
      orgId: "acme",
      bucketStart: "2026-03-02T10:00:00.000Z",
      checks: 4,
      failures: 2,
      causes: { user_inactive: 1, key_invalid: 1 },
      tokenP50Ms: 200,
      tokenAvgMs: 200,
      tokenMaxMs: 300,
    });
    expect(store.rollups("hourly", "beta", 0)).toEqual([]);
  });

  it("is idempotent and recomputes the last bucket when a pass arrives late", () => {
    seed();
    const now = DAY0 + 12 * HOUR + MIN;
    store.rollup(now);
    const before = store.rollups("hourly", "beta", 0);
    store.rollup(now);
    expect(store.rollups("hourly", "beta", 0)).toEqual(before);
    expect(before[0]?.checks).toBe(2);
    store.recordResults([
      fakeResult({ orgId: "beta", at: DAY0 + 11 * HOUR + 50 * MIN, cause: "ip_restricted" }),
    ]);
    store.rollup(now);
    expect(store.rollups("hourly", "beta", 0)[0]).toMatchObject({
      checks: 3,
      failures: 1,
      causes: { ip_restricted: 1 },
    });
  });

  it("computes daily buckets once the UTC day is over", () => {
    seed();
    expect(store.rollup(DAY0 + DAY - 1).daily).toBe(0);
    expect(store.rollup(DAY0 + DAY + HOUR).daily).toBe(2);
    expect(store.rollups("daily", "acme", 0)[0]).toMatchObject({
      bucketStart: "2026-03-02T00:00:00.000Z",
      checks: 4,
      failures: 2,
      tokenP50Ms: 200,
    });
  });
});

describe("prune", () => {
  it("deletes raw, hourly and daily rows older than their retention", () => {
    seed();
    store.rollup(DAY0 + 3 * DAY);
    const cut = 2 * DAY + 13 * HOUR + 30 * MIN;
    const retention = { raw: cut, hourly: cut, daily: 10 * DAY };
    const counts = store.prune(DAY0 + 3 * DAY, retention);
    // raw cut-off 10:30 of day 0: two acme passes go; hourly cut-off 10:30: the acme bucket goes.
    expect(counts).toEqual({
      checks: 2,
      stageRows: 14,
      hourly: 1,
      daily: 0,
      logins: 0,
      outbox: 0,
      silences: 0,
    });
    expect(store.recentChecks("acme", 10)).toHaveLength(2);
    expect(store.rollups("hourly", "beta", 0)).toHaveLength(1);
    expect(store.prune(DAY0 + 3 * DAY, retention)).toEqual({
      checks: 0,
      stageRows: 0,
      hourly: 0,
      daily: 0,
      logins: 0,
      outbox: 0,
      silences: 0,
    });
  });
});
