/**
 * The API floor: under it a pass spends at most one API call (to refresh the usage), and the
 * floor clears as soon as fresh evidence says there is headroom again. Before, usage was only
 * refreshed by the API stages the floor skipped, so API checks stayed off until a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore, type SqliteHistoryStore } from "../../src/store/index.js";
import { pinnedClient, simSpec, targetsFor, type FleetOrg } from "../helpers/fleet.js";
import { testRuntime, type TestRuntime } from "../helpers/runtime.js";

const ORGS: FleetOrg[] = [
  // Identity answers carry Sforce-Limit-Info: that header alone refreshes the usage.
  { id: "f-org", scenario: "healthy", config: { apiFloorPercent: 10 } },
  // Without the identity check only the one /limits call a pass can bring fresh evidence.
  {
    id: "f-noid",
    scenario: "healthy",
    config: { apiFloorPercent: 10, checks: ["token", "rest", "limits", "bulk", "metadata"] },
  },
];
const MAX = 15_000;

let id: GeneratedIdentity;
let sim: Simulator;
let store: SqliteHistoryStore;
let rt: TestRuntime;
const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));

beforeAll(async () => {
  id = generateIdentity();
  sim = await startSimulator({ spec: simSpec(id, ORGS), clock });
  store = openStore(":memory:");
  rt = testRuntime({
    store,
    targets: targetsFor(id, ORGS, sim.port),
    client: pinnedClient(),
    clock,
  });
});

afterAll(async () => {
  rt.passes.close();
  store.close();
  await sim.close();
});

/** One pass through the coordinator; returns the API calls it cost and how each stage ended. */
async function pass(org: string): Promise<{ calls: number; stages: Record<string, string> }> {
  const before = sim.control.counters(org).api.calls;
  clock.advance(5 * 60_000);
  await rt.handler(org, clock.now(), new AbortController().signal);
  rt.passes.flush();
  const stages: Record<string, string> = {};
  for (const s of store.recentChecks(org, 1)[0]?.stages ?? []) {
    stages[s.stage] = s.skipped ? `skipped:${s.skipReason ?? ""}` : s.ok ? "ok" : "failed";
  }
  return { calls: sim.control.counters(org).api.calls - before, stages };
}

describe("the API floor", () => {
  for (const org of ["f-org", "f-noid"]) {
    it(`${org}: one call a pass under the floor, cleared by fresh evidence`, async () => {
      sim.control.setApiUsage(org, { used: 100, max: MAX });
      const healthy = await pass(org);
      expect(healthy.stages).toMatchObject({
        rest: "ok",
        limits: "ok",
        bulk: "ok",
        metadata: "ok",
      });

      // The real integration spends the allocation down to 5% left.
      sim.control.setApiUsage(org, { used: MAX * 0.95, max: MAX });
      await pass(org); // learns the usage on the way
      for (let i = 0; i < 3; i++) {
        const held = await pass(org);
        expect(held.calls).toBeLessThanOrEqual(1);
        expect(held.stages).toMatchObject({
          rest: "skipped:api_floor",
          bulk: "skipped:api_floor",
          metadata: "skipped:api_floor",
        });
      }

      // A new day: the allocation resets. The next pass sees it and runs every API check again.
      sim.control.setApiUsage(org, { used: 0, max: MAX });
      const back = await pass(org);
      expect(back.stages).toMatchObject({ rest: "ok", limits: "ok", bulk: "ok", metadata: "ok" });
      const again = await pass(org);
      expect(again.stages).toMatchObject({ rest: "ok", limits: "ok", bulk: "ok", metadata: "ok" });
    });
  }
});
