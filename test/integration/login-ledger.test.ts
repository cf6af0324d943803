/** The login budget on the real SQLite ledger, shared by every connection and process. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore } from "../../src/store/index.js";
import { pinnedClient, simSpec, targetsFor, type FleetOrg } from "../helpers/fleet.js";
import { testRuntime } from "../helpers/runtime.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 3_600_000;

describe("login ledger", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.cleanup());

  it("never allows more than the limit in any rolling hour", () => {
    const store = openStore(join(tmp.dir, "rolling.db"));
    const sent: number[] = [];
    for (let t = 0; t < 3 * HOUR; t += 10_000) {
      if (store.takeLogin("u@x", 36, t).ok) sent.push(t);
    }
    store.close();
    expect(sent.length).toBeGreaterThan(36 * 2);
    for (const t of sent) {
      expect(sent.filter((x) => x > t - HOUR && x <= t).length).toBeLessThanOrEqual(36);
    }
  });

  it("says when the next login frees", () => {
    const store = openStore(join(tmp.dir, "next.db"));
    for (let i = 0; i < 3; i++) expect(store.takeLogin("u", 3, i * 1000).ok).toBe(true);
    const refused = store.takeLogin("u", 3, 5000);
    expect(refused).toEqual({ ok: false, nextFreeAt: HOUR + 1, times: [0, 1000, 2000] });
    expect(store.takeLogin("u", 3, HOUR + 1).ok).toBe(true);
    store.close();
  });

  it("takes a batch in order in one transaction: later requests see the earlier logins", () => {
    const store = openStore(join(tmp.dir, "batch.db"));
    const takes = store.takeLogins([
      { username: "a", limit: 2, nowMs: 1000 },
      { username: "b", limit: 2, nowMs: 1000 },
      { username: "a", limit: 2, nowMs: 1001 },
      { username: "a", limit: 2, nowMs: 1002 },
    ]);
    expect(takes.map((t) => t.ok)).toEqual([true, true, true, false]);
    expect(takes[3]).toEqual({ ok: false, nextFreeAt: 1000 + HOUR + 1, times: [1000, 1001] });
    expect(store.loginsSince("a", 0)).toBe(2);
    expect(store.takeLogins([])).toEqual([]);
    store.close();
  });

  it("four processes racing for one user's budget take exactly the budget", async () => {
    const file = join(tmp.dir, "race.db");
    openStore(file).close();
    const storeUrl = pathToFileURL(join(process.cwd(), "dist/src/store/index.js")).href;
    const script = `
      import { openStore } from ${JSON.stringify(storeUrl)};
      const store = openStore(${JSON.stringify(file)});
      let ok = 0;
      for (let i = 0; i < 30; i++) if (store.takeLogin("shared@x", 36, Date.now()).ok) ok++;
      store.close();
      process.stdout.write(String(ok));
    `;
    const takes = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<number>((resolve, reject) => {
            const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
            let out = "";
            let err = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.stderr.on("data", (d: Buffer) => (err += d.toString()));
            child.on("exit", (code) => {
              if (code === 0) resolve(Number(out));
              else reject(new Error(err));
            });
          }),
      ),
    );
    expect(takes.reduce((a, b) => a + b, 0)).toBe(36);
    const store = openStore(file);
    expect(store.loginsSince("shared@x", 0)).toBe(36);
    store.close();
  });
});

describe("a running monitor and a one-shot check share each user's budget", () => {
  const ORGS: FleetOrg[] = [
    { id: "l-one", scenario: "healthy", config: { loginBudgetPerHour: 4, interval: "5m" } },
  ];
  let id: GeneratedIdentity;
  let sim: Simulator;
  let tmp: ReturnType<typeof tempDir>;
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12));

  beforeAll(async () => {
    id = generateIdentity();
    tmp = tempDir();
    sim = await startSimulator({ spec: simSpec(id, ORGS), clock });
  });
  afterAll(async () => {
    await sim.close();
    tmp.cleanup();
  });

  it("the monitor counts logins another process wrote after it started", async () => {
    const file = join(tmp.dir, "shared.db");
    const monitorStore = openStore(file);
    const rt = testRuntime({
      store: monitorStore,
      targets: targetsFor(id, ORGS, sim.port),
      client: pinnedClient(),
      clock,
    });
    const signal = new AbortController().signal;
    // The monitor checks once: one login of four.
    await rt.handler("l-one", clock.now(), signal);
    expect(sim.control.counters("l-one").logins.total).toBe(1);
    // `orgwatch check` (its own connection) spends the other three.
    const other = openStore(file);
    for (let i = 1; i <= 3; i++) {
      clock.advance(60_000);
      expect(other.takeLogin("integration@l-one.example", 4, clock.now()).ok).toBe(true);
    }
    other.close();
    // The monitor's next check must see them: postponed until the first login is an hour old.
    clock.advance(60_000);
    const first = clock.now() - 4 * 60_000;
    const next = await rt.handler("l-one", clock.now(), signal);
    expect(sim.control.counters("l-one").logins.total).toBe(1);
    expect(next).toBe(first + HOUR + 1);
    rt.passes.close();
    monitorStore.close();
  });
});
