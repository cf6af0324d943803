import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { initialState } from "../../src/domain/state.js";
import { SCENARIOS, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { openStore } from "../../src/store/index.js";
import { orgwatchConfig, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let smallKey: string;
const orgs: FleetOrg[] = SCENARIOS.map((s) => ({
  id: `c-${s.replace(/_/g, "-")}`,
  scenario: s,
  ...(s === "user_not_found" ? { sandbox: true } : {}),
}));

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  let thrown = "";
  let code = -1;
  try {
    code = await main(["node", "orgwatch", ...args], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem },
    });
  } catch (err) {
    thrown = String(err) + ((err as Error).stack ?? "");
  }
  return { code, stdout, stderr, thrown };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, orgs) });
  smallKey = generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  writeFileSync(join(tmp.dir, "small.key"), smallKey);
  const config = orgwatchConfig(orgs, sim.port);
  (config.orgs as Record<string, unknown>[]).push({
    ...(config.orgs as Record<string, unknown>[])[0],
    id: "c-small-key",
    privateKey: undefined,
    privateKeyFile: "./small.key",
  });
  writeFileSync(join(tmp.dir, "orgwatch.yaml"), stringify(config));
  const broken = { orgs: [(config.orgs as unknown[])[0], { id: "Bad Id", loginUrl: "nope" }] };
  writeFileSync(join(tmp.dir, "broken.yaml"), stringify(broken));
});

afterAll(async () => {
  await sim?.close();
  tmp?.cleanup();
});

describe("orgwatch check", () => {
  it("prints the --json contract and exits 1 when any org is unhealthy", async () => {
    const r = await run(["check", "--config", join(tmp.dir, "orgwatch.yaml"), "--json"]);
    expect(r.thrown).toBe("");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { orgs: Record<string, unknown>[] };
    expect(out.orgs).toHaveLength(orgs.length + 1);
    for (const org of out.orgs) {
      expect(Object.keys(org)).toEqual([
        "id",
        "healthy",
        "cause",
        "stage",
        "transient",
        "summary",
        "fix",
        "checks",
      ]);
      for (const check of org.checks as Record<string, unknown>[]) {
        expect(Object.keys(check)).toEqual([
          "stage",
          "ok",
          "skipped",
          "durationMs",
          "httpStatus",
          "errorCode",
        ]);
      }
    }
    const healthy = out.orgs.find((o) => o.id === "c-healthy")!;
    expect(healthy).toMatchObject({ healthy: true, cause: null, stage: null });
    expect((healthy.checks as { ok: boolean }[]).every((c) => c.ok)).toBe(true);
    expect(out.orgs.find((o) => o.id === "c-small-key")).toMatchObject({
      healthy: false,
      cause: "key_invalid",
      stage: "local",
    });
    expect(out.orgs.find((o) => o.id === "c-api-disabled")).toMatchObject({
      cause: "api_disabled",
      stage: "rest",
    });
  });

  it("prints a table and the fix steps of each failing org", async () => {
    const r = await run([
      "check",
      "--config",
      join(tmp.dir, "orgwatch.yaml"),
      "--org",
      "c-healthy",
      "--org",
      "c-user-not-preauthorized",
    ]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^ORG\s+STATE\s+CAUSE\s+STAGE\s+TIME$/);
    expect(r.stdout).toMatch(/c-healthy\s+healthy\s+-\s+-/);
    expect(r.stdout).toMatch(/c-user-not-preauthorized\s+FAILING\s+user_not_preauthorized\s+token/);
    expect(r.stdout).toContain("c-user-not-preauthorized: user_not_preauthorized at token");
    expect(r.stdout).toMatch(/ {2}1\. .*lightning\/setup/);
  });

  it("exits 0 when every checked org is healthy", async () => {
    const r = await run([
      "check",
      "--config",
      join(tmp.dir, "orgwatch.yaml"),
      "--org",
      "c-healthy",
    ]);
    expect(r.code).toBe(0);
  });

  it("reports broken entries on stderr, still checks the valid orgs, exits 2", async () => {
    const r = await run(["check", "--config", join(tmp.dir, "broken.yaml"), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("orgs[1].id:");
    expect(r.stderr).toContain("orgs[1].loginUrl:");
    const out = JSON.parse(r.stdout) as { orgs: { id: string }[] };
    expect(out.orgs.map((o) => o.id)).toEqual([orgs[0]!.id]);
  });

  it("exits 2 on an unknown --org", async () => {
    const r = await run(["check", "--config", join(tmp.dir, "orgwatch.yaml"), "--org", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--org nope: no such org");
  });

  it("never prints a key, an assertion or an access token", async () => {
    const outputs = [
      await run(["check", "--config", join(tmp.dir, "orgwatch.yaml"), "--json"]),
      await run(["check", "--config", join(tmp.dir, "orgwatch.yaml")]),
    ];
    const text = outputs.map((o) => o.stdout + o.stderr + o.thrown).join("\n");
    expect(text.length).toBeGreaterThan(1000);
    const keyLines = [...id.privateKeyPem.split("\n"), ...smallKey.split("\n")].filter(
      (l) => l.length > 40,
    );
    for (const line of keyLines) expect(text).not.toContain(line);
    expect(text).not.toMatch(/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{8,}/);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
    expect(text).not.toContain("BEGIN PRIVATE KEY");
  });

  it("uses the monitor's history when it exists, and notes its logins in the ledger", async () => {
    const db = join(tmp.dir, "data", "orgwatch.db");
    const store = openStore(db);
    const longAgo = new Date(Date.now() - 60 * 86_400_000).toISOString();
    store.putOrgState({
      ...initialState("c-consumer-not-approved"),
      state: "healthy",
      firstSeenAt: longAgo,
      firstSuccessAt: longAgo,
      lastTokenSuccessAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    store.close();
    const r = await run([
      "check",
      "--config",
      join(tmp.dir, "orgwatch.yaml"),
      "--org",
      "c-consumer-not-approved",
      "--json",
    ]);
    const out = JSON.parse(r.stdout) as { orgs: { cause: string }[] };
    expect(out.orgs[0]?.cause).toBe("approval_aged_out");
    const after = openStore(db);
    expect(after.loginsSince("integration@c-consumer-not-approved.example", 0)).toBe(1);
    after.close();
  });
});

describe("orgwatch check and the shared login budget", () => {
  it("refuses without a token request when the user's budget is spent, unless --force", async () => {
    const org = "c-healthy";
    const user = `integration@${org}.example`;
    const db = join(tmp.dir, "data", "orgwatch.db");
    const store = openStore(db);
    // Another process (a running monitor) spent the user's 36 logins in the last hour.
    const now = Date.now();
    for (let i = 0; i < 36; i++) store.recordLogin(user, now - 50 * 60_000 + i * 1000);
    store.close();
    const before = sim.control.counters(org).logins.total;
    const args = ["check", "--config", join(tmp.dir, "orgwatch.yaml"), "--org", org];
    const refused = await run([...args, "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /c-healthy: the login budget of integration@c-healthy\.example is spent \(36 token requests in the last hour, budget 36\); the next login is free at 20\d\d-.*add --force/,
    );
    const out = JSON.parse(refused.stdout) as { orgs: unknown[]; postponed: { id: string }[] };
    expect(out.orgs).toEqual([]);
    expect(out.postponed.map((p) => p.id)).toEqual([org]);
    expect(sim.control.counters(org).logins.total).toBe(before);

    const forced = await run([...args, "--force"]);
    expect(forced.code).toBe(0);
    expect(sim.control.counters(org).logins.total).toBe(before + 1);
    const after = openStore(db);
    expect(after.loginsSince(user, now - 3_600_000)).toBe(37);
    after.close();
  });
});
