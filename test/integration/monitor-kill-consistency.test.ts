/**
 * kill -9 at any point: `orgwatch run` is killed repeatedly while orgs break and recover, and
 * after every restart the history, the org state and the outbox must agree with each other,
 * because each pass commits them in one transaction.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GeneratedIdentity } from "../../src/platform/keygen.js";
import type { Simulator } from "../../src/simulator/index.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil } from "../helpers/orgwatch-process.js";
import { queryDb, runFixture, type RunFixture } from "../helpers/run-fixture.js";

const FLAPPING = ["x-0", "x-1", "x-2", "x-3", "x-4", "x-5"];
const ORGS: FleetOrg[] = [
  ...FLAPPING.map((id) => ({ id, scenario: "healthy" })),
  { id: "x-steady", scenario: "healthy" },
  { id: "x-down", scenario: "user_not_preauthorized" },
];
const KILLS = 5;

let id: GeneratedIdentity;
let sim: Simulator;
let fx: RunFixture;
let config: string;
let dbFile: string;

interface StateRow {
  org_id: string;
  state: string;
  cause: string | null;
  last_check_at: number | null;
  incident_id: string | null;
  consecutive_failures: number;
}

/** Every way the committed tables could disagree, as readable lines (empty when consistent). */
function inconsistencies(): string[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  const problems: string[] = [];
  try {
    if (db.pragma("integrity_check", { simple: true }) !== "ok") problems.push("integrity_check");
    const q = <T>(sql: string, ...args: unknown[]): T[] => db.prepare(sql).all(...args) as T[];
    for (const s of q<StateRow>("SELECT * FROM org_state")) {
      const checks = q<{ started_at: number; healthy: number; cause: string | null }>(
        "SELECT started_at, healthy, cause FROM checks WHERE org_id = ? ORDER BY started_at DESC",
        s.org_id,
      );
      const last = checks[0];
      if (last?.started_at !== s.last_check_at) {
        problems.push(
          `${s.org_id}: state says last check ${String(s.last_check_at)}, history ${String(last?.started_at)}`,
        );
      }
      let failing = 0;
      while (failing < checks.length && checks[failing]?.healthy === 0) failing += 1;
      if (failing !== s.consecutive_failures) {
        problems.push(
          `${s.org_id}: ${String(s.consecutive_failures)} failures in state, ${String(failing)} in history`,
        );
      }
      const open = q<{ id: string; cause: string }>(
        "SELECT id, cause FROM incidents WHERE org_id = ? AND closed_at IS NULL",
        s.org_id,
      );
      if ((open[0]?.id ?? null) !== s.incident_id) {
        problems.push(
          `${s.org_id}: state names incident ${String(s.incident_id)}, open is ${String(open[0]?.id)}`,
        );
      }
      if (s.state === "unhealthy" && open[0]?.cause !== s.cause) {
        problems.push(
          `${s.org_id}: state cause ${String(s.cause)}, incident cause ${String(open[0]?.cause)}`,
        );
      }
    }
    for (const inc of q<{ id: string; closed_at: number | null }>(
      "SELECT id, closed_at FROM incidents",
    )) {
      const kinds = q<{ kind: string }>(
        "SELECT kind FROM outbox WHERE incident_id = ? ORDER BY seq",
        inc.id,
      ).map((r) => r.kind);
      if (kinds[0] !== "opened") problems.push(`${inc.id}: no opened event (${kinds.join(",")})`);
      if ((inc.closed_at !== null) !== (kinds.at(-1) === "resolved")) {
        problems.push(
          `${inc.id}: closed=${String(inc.closed_at !== null)} but events ${kinds.join(",")}`,
        );
      }
    }
    const orphans = q<{ event_id: string }>(
      "SELECT event_id FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE c.check_id = o.check_id)",
    );
    for (const o of orphans) problems.push(`outbox ${o.event_id}: its pass is not in the history`);
  } finally {
    db.close();
  }
  return problems;
}

function count(sql: string): number {
  return queryDb<{ n: number }>(fx.dbFile, sql)[0]?.n ?? 0;
}

beforeAll(async () => {
  fx = await runFixture(ORGS, {
    defaults: {
      interval: "1s",
      maxBackoff: "1s",
      timeout: "2s",
      failureThreshold: 1,
      loginBudgetPerHour: 3600,
    },
  });
  ({ id, sim, config, dbFile } = fx);
});

afterAll(async () => {
  await fx?.close();
});

describe("kill -9 at any point", () => {
  it("leaves history, org state and outbox consistent after every restart", async () => {
    const env = { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem };
    // Orgs break and recover on their own clock, so kills land between and inside passes.
    const causes = ["user_not_preauthorized", "api_disabled", "healthy", "insufficient_access"];
    let tick = 0;
    const flapper = setInterval(() => {
      tick += 1;
      FLAPPING.forEach((org, i) => {
        sim.control.setScenario(org, causes[(tick + i) % causes.length] ?? "healthy");
      });
    }, 450);
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const child = await startOrgwatch(config, env);
        const before = count("SELECT COUNT(*) AS n FROM checks");
        // Let it record a few batches, then kill it at an arbitrary moment.
        await waitUntil(
          "more passes recorded",
          () => count("SELECT COUNT(*) AS n FROM checks") >= before + 10,
          20_000,
        );
        await new Promise((r) => setTimeout(r, 37 * kill));
        expect(await child.stop("SIGKILL")).toBe("SIGKILL");
        expect(inconsistencies(), `after kill ${String(kill + 1)}`).toEqual([]);
      }
    } finally {
      clearInterval(flapper);
    }
    expect(count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'cause_changed'")).toBeGreaterThan(
      0,
    );
    expect(count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'resolved'")).toBeGreaterThan(0);
    // A clean run after the kills still agrees, and the history only ever grew.
    const last = await startOrgwatch(config, env);
    const n = count("SELECT COUNT(*) AS n FROM checks");
    await waitUntil("a clean run records", () => count("SELECT COUNT(*) AS n FROM checks") > n + 5);
    expect(await last.stop("SIGTERM")).toBe(0);
    expect(inconsistencies()).toEqual([]);
  }, 120_000);
});
