/** `/api/v1` against a real `orgwatch run` process and the simulator (no fake monitor). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { orgwatchYaml, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "api-test-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const ORGS: FleetOrg[] = [
  { id: "a-ok", scenario: "healthy" },
  { id: "a-api", scenario: "api_disabled" },
  { id: "a-slow", scenario: "healthy" },
  { id: "a-tight", scenario: "healthy", config: { loginBudgetPerHour: 1 } },
];

let id: GeneratedIdentity;
let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let orgwatch: OrgwatchProcess;

async function api(method: "GET" | "POST", path: string, headers = AUTH) {
  const res = await fetch(`${orgwatch.url}${path}`, { method, headers });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  const config = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(
    config,
    orgwatchYaml(ORGS, sim.port, {
      server: { listen: "127.0.0.1:0", apiToken: TOKEN },
      storage: { sqlite: "./orgwatch.db" },
      defaults: { interval: "1h", timeout: "5s", failureThreshold: 1 },
    }),
  );
  orgwatch = await startOrgwatch(config, { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem });
}, 60_000);

afterAll(async () => {
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await sim?.close();
  tmp?.cleanup();
});

describe("/api/v1 on a running monitor", () => {
  it("needs the bearer token on every API route and never echoes it", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/orgs/a-ok"],
      ["POST", "/api/v1/orgs/a-ok/check"],
    ] as const) {
      const none = await api(method, path, {} as typeof AUTH);
      expect(none.status).toBe(401);
      const wrong = await api(method, path, { authorization: "Bearer guess-guess-guess" });
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    }
    expect((await fetch(`${orgwatch.url}/healthz`)).status).toBe(200);
  });

  it("a forced check runs the org and its status is the API's own type", async () => {
    const forced = await api("POST", "/api/v1/orgs/a-api/check");
    expect(forced.status).toBe(202);
    const status = await waitUntil("a-api checked", async () => {
      const r = await api("GET", "/api/v1/orgs/a-api");
      // The incident is read from SQLite: it shows once the pass's batch commits (≤ 250 ms).
      return r.body.state === "unhealthy" && r.body.incident !== null ? r.body : null;
    });
    expect(status).toMatchObject({ id: "a-api", state: "unhealthy", cause: "api_disabled" });
    expect(status.lastTokenSuccessAt).not.toBeNull();
    expect(status.lastHealthyAt).toBeNull();
    expect(status.incident).toMatchObject({ cause: "api_disabled", closedAt: null });
    // Settings and internals stay inside: no hash, no URL, no username.
    expect(Object.keys(status).sort()).toEqual(
      [
        "backoffLevel",
        "cause",
        "fix",
        "id",
        "incident",
        "incidents",
        "lastCheckAt",
        "lastHealthyAt",
        "lastTokenSuccessAt",
        "name",
        "nextCheckAt",
        "recentChecks",
        "since",
        "state",
        "tags",
      ].sort(),
    );
    // The fix steps name the integration user for whoever fixes it; the status itself does not.
    const { fix, recentChecks, ...own } = status;
    expect(JSON.stringify(own)).not.toMatch(/integration@|configHash|instance/i);
    expect(JSON.stringify({ fix, recentChecks })).not.toMatch(/configHash|BEGIN|access_token/i);
  });

  it("answers 409 while the org's check is running", async () => {
    sim.control.setFault("a-slow", "token", { kind: "slow", delayMs: 1500 });
    const first = await api("POST", "/api/v1/orgs/a-slow/check");
    expect(first.status).toBe(202);
    const second = await api("POST", "/api/v1/orgs/a-slow/check");
    expect(second.status).toBe(409);
    expect(second.body.error).toContain("already running");
  });

  it("answers 429 with Retry-After when the user's login budget is spent", async () => {
    const first = await api("POST", "/api/v1/orgs/a-tight/check");
    expect(first.status).toBe(202);
    await waitUntil("a-tight checked", async () => {
      const r = await api("GET", "/api/v1/orgs/a-tight");
      return r.body.state === "healthy";
    });
    const again = await api("POST", "/api/v1/orgs/a-tight/check");
    expect(again.status).toBe(429);
    const retry = Number(again.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(3000);
    expect(retry).toBeLessThanOrEqual(3601);
  });

  it("404 for an org not in the config, 400 for a malformed id", async () => {
    expect((await api("GET", "/api/v1/orgs/nope")).status).toBe(404);
    expect((await api("POST", "/api/v1/orgs/nope/check")).status).toBe(404);
    const bad = await api("GET", "/api/v1/orgs/Not%20An%20Id");
    expect(bad.status).toBe(400);
    expect(String(bad.body.message ?? bad.body.error)).toMatch(/id/);
  });
});
