import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore, type SqliteHistoryStore } from "../../src/store/index.js";
import { ManualClock } from "../../src/platform/clock.js";
import { pinnedClient, simSpec, targetsFor, type FleetOrg } from "../helpers/fleet.js";
import { testRuntime } from "../helpers/runtime.js";

const ORGS: FleetOrg[] = [
  {
    id: "b-fail",
    scenario: "user_not_preauthorized",
    config: { interval: "10s", maxBackoff: "10s", loginBudgetPerHour: 6 },
  },
];

let id: GeneratedIdentity;
let sim: Simulator;
let store: SqliteHistoryStore;
/** Simulated time shared by the simulator and the monitor; only the test moves it. */
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  id = generateIdentity();
  sim = await startSimulator({ spec: simSpec(id, ORGS), clock });
  store = openStore(":memory:");
});

afterAll(async () => {
  store?.close();
  await sim?.close();
});

describe("the login budget over simulated hours", () => {
  it("an org that fails every time never gets more token requests than its budget", async () => {
    const targets = targetsFor(id, ORGS, sim.port);
    const rt = testRuntime({ store, targets, client: pinnedClient(), clock });
    const registry = rt.registry;
    const start = clock.now();
    const sent: number[] = [];
    let runs = 0;
    while (clock.now() - start < 3 * 3_600_000) {
      const before = sim.control.counters("b-fail").logins.total;
      const next = await rt.handler("b-fail", clock.now(), new AbortController().signal);
      runs++;
      if (sim.control.counters("b-fail").logins.total > before) sent.push(clock.now());
      clock.advance(Math.max(1000, next - clock.now()));
    }
    rt.passes.close();
    expect(runs).toBeGreaterThan(sent.length);
    expect(sent.length).toBe(sim.control.counters("b-fail").logins.total);
    for (const t of sent) {
      const inHour = sent.filter((x) => x > t - 3_600_000 && x <= t).length;
      expect(inHour).toBeLessThanOrEqual(6);
    }
    expect(sent.length).toBeGreaterThanOrEqual(12);
    const text = await registry.metrics();
    expect(text).toMatch(/orgwatch_budget_skips_total\{reason="login_budget"\} [1-9]/);
  }, 60_000);
});
