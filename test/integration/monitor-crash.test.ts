import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { orgwatchYaml, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil } from "../helpers/orgwatch-process.js";
import { tempDir } from "../helpers/tmp.js";

const INTERVAL_MS = 3000;
const ORGS: FleetOrg[] = Array.from({ length: 12 }, (_, i) => ({
  id: `k-${i}`,
  scenario: "healthy",
}));

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let config: string;
let dbFile: string;

interface Row {
  check_id: string;
  org_id: string;
  started_at: number;
}

function rows(): Row[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT check_id, org_id, started_at FROM checks ORDER BY started_at")
      .all() as Row[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  dbFile = join(tmp.dir, "orgwatch.db");
  config = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(
    config,
    orgwatchYaml(ORGS, sim.port, {
      server: { listen: "127.0.0.1:0" },
      storage: { sqlite: "./orgwatch.db" },
      defaults: { interval: `${INTERVAL_MS / 1000}s`, timeout: "2s" },
    }),
  );
});

afterAll(async () => {
  await sim?.close();
  tmp?.cleanup();
});

describe("kill -9 and restart", () => {
  it("keeps every committed row and resumes the schedule without a burst of logins", async () => {
    const env = { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem };
    const first = await startOrgwatch(config, env);
    await waitUntil("every org checked twice", () => {
      const all = rows();
      return ORGS.every((o) => all.filter((r) => r.org_id === o.id).length >= 2);
    });
    expect(await first.stop("SIGKILL")).toBe("SIGKILL");
    const before = rows();
    const killedAt = Date.now();

    const second = await startOrgwatch(config, env);
    await waitUntil(
      "every org checked again after the restart",
      () => {
        const all = rows();
        return ORGS.every((o) => all.some((r) => r.org_id === o.id && r.started_at > killedAt));
      },
      30_000,
    );
    expect(await second.stop("SIGTERM")).toBe(0);

    const after = rows();
    const ids = new Set(after.map((r) => r.check_id));
    for (const row of before) expect(ids.has(row.check_id)).toBe(true);
    const db = new Database(dbFile, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();

    for (const org of ORGS) {
      const times = after.filter((r) => r.org_id === org.id).map((r) => r.started_at);
      for (let i = 1; i < times.length; i++) {
        expect(times[i]! - times[i - 1]!, `${org.id} checked early`).toBeGreaterThanOrEqual(
          INTERVAL_MS - 250,
        );
      }
      const logins = sim.control.counters(org.id).logins.total;
      expect(logins).toBeLessThanOrEqual(times.length + 1);
    }
  }, 90_000);
});
