import { describe, expect, it } from "vitest";
import {
  firstCheckAt,
  nextCheck,
  resumeCheckAt,
  type ScheduleInput,
} from "../../src/monitor/schedule.js";

const MIN = 60_000;
const base: ScheduleInput = {
  intervalMs: 5 * MIN,
  maxBackoffMs: 60 * MIN,
  cause: null,
  transient: false,
  failedAtToken: false,
  backoffLevel: 0,
  nowMs: 1_000_000,
};

describe("first checks are spread deterministically", () => {
  it("spreads 10,000 orgs over the interval", () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const at = firstCheckAt(`org-${i}`, 10 * MIN, 0);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(at).toBeLessThan(10 * MIN);
      buckets[Math.floor(at / MIN)]! += 1;
    }
    for (const n of buckets) expect(n).toBeGreaterThan(800);
  });

  it("gives the same slot on every start", () => {
    expect(firstCheckAt("acme", 5 * MIN, 0)).toBe(firstCheckAt("acme", 5 * MIN, 0));
    expect(firstCheckAt("acme", 5 * MIN, 0)).not.toBe(firstCheckAt("acme-2", 5 * MIN, 0));
  });

  it("resumes a stored future slot, spreads an overdue one", () => {
    expect(resumeCheckAt("a", 5 * MIN, 1_000 + MIN, 1_000)).toBe(1_000 + MIN);
    const overdue = resumeCheckAt("a", 5 * MIN, 0, 1_000);
    expect(overdue).toBe(firstCheckAt("a", 5 * MIN, 1_000));
  });
});

describe("next check", () => {
  it("healthy: the interval, back-off reset", () => {
    expect(nextCheck({ ...base, backoffLevel: 3 })).toEqual({
      nextAt: base.nowMs + 5 * MIN,
      backoffLevel: 0,
    });
  });

  it("doubles on lasting failures up to the cap", () => {
    let level = 0;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const d = nextCheck({
        ...base,
        cause: "user_not_preauthorized",
        failedAtToken: true,
        backoffLevel: level,
      });
      waits.push((d.nextAt - base.nowMs) / MIN);
      level = d.backoffLevel;
    }
    expect(waits).toEqual([5, 10, 20, 40, 60, 60, 60]);
  });

  it("propagation retries every 2 minutes", () => {
    const d = nextCheck({
      ...base,
      cause: "app_propagating",
      transient: true,
      failedAtToken: true,
      backoffLevel: 2,
    });
    expect(d).toEqual({ nextAt: base.nowMs + 2 * MIN, backoffLevel: 0 });
  });

  it("a login-rate block pauses for an hour", () => {
    const d = nextCheck({
      ...base,
      cause: "login_rate_exceeded",
      transient: true,
      failedAtToken: true,
    });
    expect(d.nextAt).toBe(base.nowMs + 60 * MIN);
  });

  it("a transient API-side outage keeps the interval", () => {
    const d = nextCheck({
      ...base,
      cause: "salesforce_unavailable",
      transient: true,
      backoffLevel: 2,
    });
    expect(d).toEqual({ nextAt: base.nowMs + 5 * MIN, backoffLevel: 0 });
  });

  it("a token-side outage backs off too: failures spend logins", () => {
    const d = nextCheck({
      ...base,
      cause: "salesforce_unavailable",
      transient: true,
      failedAtToken: true,
      backoffLevel: 1,
    });
    expect(d).toEqual({ nextAt: base.nowMs + 10 * MIN, backoffLevel: 2 });
  });
});
