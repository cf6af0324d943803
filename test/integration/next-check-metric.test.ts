/**
 * `orgwatch_org_next_check_timestamp_seconds` is when each org is really due next: back-off
 * included, and after a restart the slot the scheduler resumed at, not a stale stored one. The
 * overdue alert (OrgwatchNotChecking) is only as true as this gauge.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRuntime, startRuntime, stopRuntime } from "../../src/commands/run.js";
import { loadConfigTree } from "../../src/config/load.js";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { createLogger } from "../../src/platform/logger.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore } from "../../src/store/index.js";
import {
  orgwatchConfig,
  pinnedClient,
  simSpec,
  targetsFor,
  type FleetOrg,
} from "../helpers/fleet.js";
import { testRuntime } from "../helpers/runtime.js";
import { tempDir } from "../helpers/tmp.js";

const ORGS: FleetOrg[] = [
  { id: "n-ok", scenario: "healthy", config: { interval: "30m" } },
  { id: "n-bad", scenario: "user_inactive", config: { interval: "15m", maxBackoff: "2h" } },
];
const GAUGE = "orgwatch_org_next_check_timestamp_seconds";

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));

/** The gauge's value for an org in the exposition text, or undefined when absent. */
async function nextCheck(
  registry: { metrics(): Promise<string> },
  org: string,
): Promise<number | undefined> {
  const series = `${GAUGE}{org="${org}"} `;
  const line = (await registry.metrics()).split("\n").find((l) => l.startsWith(series));
  return line === undefined ? undefined : Number(line.slice(series.length));
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS), clock });
});

afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

describe(GAUGE, () => {
  it("is the due time the coordinator decided: the interval when healthy, backed off when failing", async () => {
    const store = openStore(join(tmp.dir, "h.db"));
    const rt = testRuntime({
      store,
      targets: targetsFor(id, ORGS, sim.port),
      client: pinnedClient(),
      clock,
    });
    expect(await nextCheck(rt.registry, "n-ok")).toBeUndefined();
    const signal = new AbortController().signal;
    const okDue = await rt.handler("n-ok", clock.now(), signal);
    expect(await nextCheck(rt.registry, "n-ok")).toBe((clock.now() + 30 * 60_000) / 1000);
    expect(okDue).toBe(clock.now() + 30 * 60_000);
    let badDue = 0;
    for (let i = 0; i < 3; i += 1) {
      clock.advance(60_000);
      badDue = await rt.handler("n-bad", clock.now(), signal);
    }
    expect(badDue).toBeGreaterThan(clock.now() + 15 * 60_000);
    expect(await nextCheck(rt.registry, "n-bad")).toBe(badDue / 1000);
    rt.passes.close();
    store.close();
  });

  it("after a restart is the slot the scheduler resumed at, not the stale stored one", async () => {
    clock.advance(24 * 3_600_000);
    const config = loadConfigTree(
      orgwatchConfig(ORGS, sim.port, {
        storage: { sqlite: join(tmp.dir, "h.db") },
        server: { listen: "127.0.0.1:0" },
      }),
      { file: join(tmp.dir, "orgwatch.yaml"), env: { TEST_KEY: id.privateKeyPem } },
    );
    const rt = buildRuntime(config, {
      configFile: "orgwatch.yaml",
      env: {},
      clock,
      logger: createLogger({ level: "silent" }),
    });
    await startRuntime(rt);
    try {
      for (const org of ["n-ok", "n-bad"]) {
        const due = (await nextCheck(rt.registry, org)) ?? 0;
        expect(due * 1000).toBeGreaterThanOrEqual(clock.now());
        expect(due * 1000).toBeLessThanOrEqual(clock.now() + 30 * 60_000);
      }
    } finally {
      await stopRuntime(rt, 0);
    }
  });
});
