import { describe, expect, it } from "vitest";
import { Fleet } from "../../src/monitor/fleet.js";
import {
  decodeCursor,
  encodeCursor,
  fleetSummary,
  queryOrgs,
  type OrgQuery,
} from "../../src/monitor/fleet-query.js";
import { SortedIds } from "../../src/monitor/sorted-ids.js";
import { stateOf, targetOf } from "../helpers/targets.js";

/** Every page of a query, following the cursors. */
function allPages(fleet: Fleet, query: Omit<OrgQuery, "cursor">): string[][] {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = queryOrgs(fleet, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items.map((o) => o.id));
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
}

function smallFleet(): Fleet {
  const fleet = new Fleet();
  fleet.add(targetOf("delta", { name: "Delta Airlines", tags: ["eu", "gold"] }));
  fleet.add(
    targetOf("alpha", { name: "Alpha Corp", tags: ["us"] }),
    stateOf("alpha", "unhealthy", "key_invalid"),
  );
  fleet.add(
    targetOf("charlie", { name: "Charlie Bank", tags: ["eu"] }),
    stateOf("charlie", "unhealthy", "user_inactive"),
  );
  fleet.add(targetOf("bravo", { name: "Bravo Acme", tags: ["eu"] }), stateOf("bravo", "healthy"));
  fleet.add(
    targetOf("echo-acme", { name: "Echo", tags: ["gold"] }),
    stateOf("echo-acme", "unhealthy", "key_invalid"),
  );
  return fleet;
}

describe("SortedIds", () => {
  it("walks its members in order through adds and deletes between walks", () => {
    const ids = new SortedIds();
    for (const k of ["m", "c", "x", "a"]) ids.add(k);
    expect([...ids.walk()]).toEqual(["a", "c", "m", "x"]);
    ids.delete("c");
    ids.add("b");
    ids.delete("b");
    ids.add("c");
    ids.add("n");
    expect([...ids.walk({ after: "c" })]).toEqual(["m", "n", "x"]);
    expect([...ids.walk({ from: "m" })]).toEqual(["m", "n", "x"]);
    expect(ids.size).toBe(5);
  });
});

describe("queryOrgs", () => {
  it("lists every org in id order with no filter", () => {
    const page = queryOrgs(smallFleet(), { limit: 10 });
    expect(page.items.map((o) => o.id)).toEqual([
      "alpha",
      "bravo",
      "charlie",
      "delta",
      "echo-acme",
    ]);
    expect(page).toMatchObject({ total: 5, nextCursor: null });
    expect(page.items[0]).toEqual({
      id: "alpha",
      name: "Alpha Corp",
      tags: ["us"],
      state: "unhealthy",
      cause: "key_invalid",
      since: "2026-01-01T00:00:00.000Z",
      lastCheckAt: "2026-01-01T00:00:00.000Z",
      nextCheckAt: null,
    });
  });

  it("filters by state, cause, tag and text, all together", () => {
    const fleet = smallFleet();
    const ids = (q: Omit<OrgQuery, "limit">): string[] =>
      queryOrgs(fleet, { limit: 10, ...q }).items.map((o) => o.id);
    expect(ids({ state: "unhealthy" })).toEqual(["alpha", "charlie", "echo-acme"]);
    expect(ids({ cause: "key_invalid" })).toEqual(["alpha", "echo-acme"]);
    expect(ids({ tag: "eu" })).toEqual(["bravo", "charlie", "delta"]);
    expect(ids({ tag: "eu", state: "unhealthy" })).toEqual(["charlie"]);
    expect(ids({ text: "acme" })).toEqual(["bravo", "echo-acme"]);
    expect(ids({ text: "ACME", tag: "gold" })).toEqual(["echo-acme"]);
    expect(ids({ text: "bank ch" })).toEqual(["charlie"]);
    expect(ids({ text: "cme" })).toEqual([]);
    expect(ids({ tag: "nope" })).toEqual([]);
    expect(queryOrgs(fleet, { limit: 1, tag: "eu", state: "unhealthy" }).total).toBe(1);
  });

  it("pages with a cursor: each org exactly once, the total on every page", () => {
    const fleet = smallFleet();
    expect(allPages(fleet, { limit: 2 })).toEqual([
      ["alpha", "bravo"],
      ["charlie", "delta"],
      ["echo-acme"],
    ]);
    expect(allPages(fleet, { limit: 1, text: "a" })).toEqual([
      ["alpha"],
      ["bravo"],
      ["delta"],
      ["echo-acme"],
    ]);
    expect(allPages(fleet, { limit: 2, tag: "eu", text: "b" })).toEqual([["bravo", "charlie"]]);
    const second = queryOrgs(fleet, {
      limit: 2,
      state: "unhealthy",
      cursor: encodeCursor("alpha"),
    });
    expect(second).toMatchObject({ total: 3, nextCursor: null });
    expect(second.items.map((o) => o.id)).toEqual(["charlie", "echo-acme"]);
  });

  it("follows state changes, replacements and removals", () => {
    const fleet = smallFleet();
    fleet.setState("delta", stateOf("delta", "unhealthy", "key_invalid"));
    fleet.setState("alpha", stateOf("alpha", "healthy"));
    fleet.replace(targetOf("bravo", { name: "Bravo Two", tags: ["us"] }));
    fleet.remove("echo-acme");
    const ids = (q: Omit<OrgQuery, "limit">): string[] =>
      queryOrgs(fleet, { limit: 10, ...q }).items.map((o) => o.id);
    expect(ids({ cause: "key_invalid" })).toEqual(["delta"]);
    expect(ids({ state: "healthy" })).toEqual(["alpha", "bravo"]);
    expect(ids({ tag: "us" })).toEqual(["alpha", "bravo"]);
    expect(ids({ text: "acme" })).toEqual([]);
    expect(ids({ text: "two" })).toEqual(["bravo"]);
    expect(fleetSummary(fleet)).toEqual({
      total: 4,
      byState: { unknown: 0, healthy: 2, unhealthy: 2 },
      byCause: [
        { cause: "key_invalid", count: 1 },
        { cause: "user_inactive", count: 1 },
      ],
    });
  });

  it("refuses a cursor that is not its own", () => {
    expect(decodeCursor("not a cursor")).toBeNull();
    expect(decodeCursor(Buffer.from("x:alpha").toString("base64url"))).toBeNull();
    expect(decodeCursor(encodeCursor("alpha"))).toBe("alpha");
    expect(() => queryOrgs(smallFleet(), { limit: 1, cursor: "abc" })).toThrow(/^cursor: /);
  });
});

describe("fleetSummary", () => {
  it("counts by state and by cause, most orgs first", () => {
    expect(fleetSummary(smallFleet())).toEqual({
      total: 5,
      byState: { unknown: 1, healthy: 1, unhealthy: 3 },
      byCause: [
        { cause: "key_invalid", count: 2 },
        { cause: "user_inactive", count: 1 },
      ],
    });
  });
});
