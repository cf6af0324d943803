import { beforeAll, describe, expect, it } from "vitest";
import { Fleet } from "../../src/monitor/fleet.js";
import { fleetSummary, queryOrgs } from "../../src/monitor/fleet-query.js";
import { stateOf, targetOf } from "../helpers/targets.js";

const N = 100_000;
const id = (i: number): string => `org-${String(i).padStart(6, "0")}`;

/**
 * 100,000 orgs: every 500th unhealthy with key_invalid (200), every 1,000th tagged vip (100),
 * every 2nd tagged eu, the rest healthy. The assertions count index entries read, never time.
 */
describe("queryOrgs at 100,000 orgs", () => {
  const fleet = new Fleet();
  beforeAll(() => {
    for (let i = 0; i < N; i += 1) {
      const tags = [...(i % 2 === 0 ? ["eu"] : []), ...(i % 1000 === 0 ? ["vip"] : [])];
      const state =
        i % 500 === 7 ? stateOf(id(i), "unhealthy", "key_invalid") : stateOf(id(i), "healthy");
      fleet.add(targetOf(id(i), { name: `Customer ${i}`, tags }), state);
    }
  });

  it("reads only the page (and one more) for one filter or none", () => {
    const all = queryOrgs(fleet, { limit: 50 });
    expect(all.total).toBe(N);
    expect(all.scanned).toBe(51);
    const bad = queryOrgs(fleet, { cause: "key_invalid", limit: 50 });
    expect(bad.total).toBe(200);
    expect(bad.items[0]?.id).toBe(id(7));
    expect(bad.scanned).toBe(51);
    const next = queryOrgs(fleet, { cause: "key_invalid", limit: 50, cursor: bad.nextCursor! });
    expect(next.items[0]?.id).toBe(id(25_007));
    expect(next.scanned).toBe(51);
  });

  it("walks the smallest bucket when filters combine, never the fleet", () => {
    const page = queryOrgs(fleet, { state: "healthy", tag: "vip", limit: 20 });
    expect(page.total).toBe(100);
    expect(page.items).toHaveLength(20);
    expect(page.scanned).toBe(100);
    const eu = queryOrgs(fleet, { tag: "eu", cause: "key_invalid", limit: 20 });
    expect(eu.total).toBe(0);
    expect(eu.scanned).toBe(200);
  });

  it("answers text from the word index", () => {
    const page = queryOrgs(fleet, { text: "org-004242", limit: 10 });
    expect(page.items.map((o) => o.id)).toEqual([id(4242)]);
    expect(page.scanned).toBeLessThan(100);
    const vip = queryOrgs(fleet, { text: "customer 4200", tag: "vip", limit: 10 });
    // 4200 is not vip; 42000 is, and its name has a word starting with "4200".
    expect(vip.items.map((o) => o.id)).toEqual([id(42_000)]);
    // "customer" gives up after the vip bucket's size; the 100 vip orgs are then tested.
    expect(vip.scanned).toBeLessThanOrEqual(202);
    const few = queryOrgs(fleet, { text: "customer", tag: "vip", limit: 10 });
    expect(few.total).toBe(100);
    expect(few.scanned).toBeLessThanOrEqual(202);
  });

  it("counts exactly, and follows a state change at once", () => {
    expect(fleetSummary(fleet)).toEqual({
      total: N,
      byState: { unknown: 0, healthy: N - 200, unhealthy: 200 },
      byCause: [{ cause: "key_invalid", count: 200 }],
    });
    fleet.setState(id(3), stateOf(id(3), "unhealthy", "user_inactive"));
    const page = queryOrgs(fleet, { cause: "user_inactive", limit: 10 });
    expect(page.items.map((o) => o.id)).toEqual([id(3)]);
    expect(page.scanned).toBe(1);
    expect(fleetSummary(fleet).byState).toEqual({ unknown: 0, healthy: N - 201, unhealthy: 201 });
  });
});
