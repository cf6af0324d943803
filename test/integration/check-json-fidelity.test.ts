import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import { initialState } from "../../src/domain/state.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore } from "../../src/store/index.js";
import {
  baseOf,
  configuredOrgs,
  orgs,
  smallKeyPem,
  TABLE,
  type Row,
} from "../helpers/fidelity-table.js";
import { orgwatchConfig, RESOLVE, simSpec } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

interface JsonOrg {
  id: string;
  healthy: boolean;
  cause: string | null;
  stage: string | null;
  transient: boolean;
  fix: string[];
}

/** Every row: the monitor's SQLite history holds every fact the classifier reads. */
const cliRows = TABLE;

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let out: JsonOrg[] = [];

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, orgs) });
  const now = Date.now();
  const configured = configuredOrgs(sim.port, now, smallKeyPem());
  const db = join(tmp.dir, "orgwatch.db");
  const store = openStore(db);
  for (const [i, row] of TABLE.entries()) {
    if (row.history === undefined) continue;
    const h = { ...EMPTY_HISTORY, ...row.history(now) };
    store.putOrgState({
      ...initialState(orgs[i]!.id),
      firstSeenAt: h.firstSeenAt,
      firstSuccessAt: h.firstSuccessAt,
      lastTokenSuccessAt: h.lastSuccessAt,
      lastOrganizationId: h.lastOrganizationId,
      lastUsername: h.lastUsername,
      configChangedAt: h.configChangedAt,
      usernameOrganizationId: h.usernameOrganizationId ?? null,
    });
  }
  store.close();
  const wanted = new Set(cliRows.map((r) => `o-${r.name}`));
  const config = orgwatchConfig(
    configured.filter((o) => wanted.has(o.id)),
    sim.port,
    { defaults: { timeout: "3s" }, storage: { sqlite: "./orgwatch.db" } },
  );
  writeFileSync(join(tmp.dir, "orgwatch.yaml"), stringify(config));
  let stdout = "";
  await main(["node", "orgwatch", "check", "--config", join(tmp.dir, "orgwatch.yaml"), "--json"], {
    stdout: (t) => (stdout += t),
    stderr: () => undefined,
    env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem },
  });
  out = (JSON.parse(stdout) as { orgs: JsonOrg[] }).orgs;
});

afterAll(async () => {
  await sim?.close();
  tmp?.cleanup();
});

function firstStep(row: Row, orgId: string): (text: string) => void {
  return (text) => {
    if (row.first === undefined) return;
    const org = orgs.find((o) => o.id === orgId)!;
    if (typeof row.first === "string") {
      expect(text).toContain(row.first.replace("$BASE", baseOf(org, sim.port)));
    } else expect(text).toMatch(row.first);
  };
}

describe("orgwatch check --json: one cause, its stage and its first fix step", () => {
  it("checked every row of the table through the CLI", () => {
    expect(out.map((o) => o.id).sort()).toEqual(cliRows.map((r) => `o-${r.name}`).sort());
    expect(cliRows).toHaveLength(TABLE.length);
  });

  for (const row of cliRows) {
    it(`${row.name} → ${row.cause ?? "healthy"}${row.stage ? ` at ${row.stage}` : ""}`, () => {
      const orgId = `o-${row.name}`;
      const org = out.find((o) => o.id === orgId);
      expect(org).toBeDefined();
      expect({ cause: org?.cause, stage: org?.stage, healthy: org?.healthy }).toEqual({
        cause: row.cause,
        stage: row.stage,
        healthy: row.cause === null,
      });
      if (row.cause === null) return;
      expect(org?.transient).toBe(row.transient ?? false);
      firstStep(row, orgId)(org?.fix[0] ?? "");
    });
  }
});

describe("a policy edit propagates (errors.md D.4)", () => {
  it("inside the window the old state answers and is app_propagating; after it, healthy", async () => {
    const dir = tempDir();
    const pid = "o-policy-edit";
    const edited = await startSimulator({
      spec: simSpec(id, [
        {
          id: pid,
          scenario: "healthy",
          sim: { appPolicy: { preauthorizedPermissionSets: ["Other"], propagation: "3s" } },
        },
      ]),
    });
    try {
      // the admin links the user's permission set to the app a minute ago
      edited.control.patchApp(pid, { preauthorizedPermissionSets: ["Integration"] });
      const config = orgwatchConfig([{ id: pid, scenario: "x" }], edited.port, {
        storage: { sqlite: "./orgwatch.db" },
      });
      const orgConfig = (config.orgs as Record<string, unknown>[])[0]!;
      orgConfig["createdAt"] = new Date(Date.now() - 60_000).toISOString();
      writeFileSync(join(dir.dir, "orgwatch.yaml"), stringify(config));
      let stdout = "";
      await main(
        ["node", "orgwatch", "check", "--config", join(dir.dir, "orgwatch.yaml"), "--json"],
        {
          stdout: (t) => (stdout += t),
          stderr: () => undefined,
          env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem },
        },
      );
      const [org] = (JSON.parse(stdout) as { orgs: JsonOrg[] }).orgs;
      expect(org).toMatchObject({ cause: "app_propagating", stage: "token", transient: true });
      expect(org?.fix[0]).toMatch(/^No change needed yet/);
      // the simulator's clock must stay the monitor's (the assertion's exp), so wait in real time
      await new Promise((r) => setTimeout(r, 3_100));
      stdout = "";
      await main(
        ["node", "orgwatch", "check", "--config", join(dir.dir, "orgwatch.yaml"), "--json"],
        {
          stdout: (t) => (stdout += t),
          stderr: () => undefined,
          env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem },
        },
      );
      expect((JSON.parse(stdout) as { orgs: JsonOrg[] }).orgs[0]?.healthy).toBe(true);
    } finally {
      await edited.close();
      dir.cleanup();
    }
  });
});
