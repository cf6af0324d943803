import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAUSE_IDS } from "../../src/domain/causes.js";
import { ManualClock } from "../../src/platform/clock.js";
import { OrgwatchError } from "../../src/platform/errors.js";
import { createControl } from "../../src/simulator/control.js";
import { releaseLabel, to18 } from "../../src/simulator/ids.js";
import { loadSimfile, SCENARIOS, validateSpec } from "../../src/simulator/index.js";
import { applyScenario } from "../../src/simulator/scenarios.js";
import { buildApp } from "../../src/simulator/server.js";
import { buildState } from "../../src/simulator/state.js";
import { simIdentity, simOrg, type SimIdentity } from "../helpers/sim.js";
import { tempDir } from "../helpers/tmp.js";

let id: SimIdentity;
let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  id = simIdentity();
  tmp = tempDir("orgwatch-sim-");
  writeFileSync(join(tmp.dir, "demo.crt"), id.certificatePem);
});
afterAll(() => tmp.cleanup());

function problems(tree: unknown): string {
  try {
    validateSpec(tree, tmp.dir, "sim.yaml");
  } catch (err) {
    if (err instanceof OrgwatchError) return err.message;
    throw err;
  }
  return "valid";
}

describe("SIMFILE validation", () => {
  const apps = [{ clientId: "3MVG9demo", certificateFile: "./demo.crt" }];
  it("reads the contract shape with a certificate file relative to the SIMFILE", () => {
    const file = join(tmp.dir, "sim.yaml");
    writeFileSync(
      file,
      "apps:\n  - clientId: 3MVG9demo\n    certificateFile: ./demo.crt\norgs:\n  - id: acme-prod\n    myDomain: acme\n    sandbox: false\n    app: 3MVG9demo\n    users: [{ username: integration@acme.com }]\n    scenario: healthy\n",
    );
    const spec = loadSimfile(file);
    expect(spec.apps[0]?.certificatePem).toBe(id.certificatePem);
    expect(spec.orgs[0]).toMatchObject({
      id: "acme-prod",
      loginRateLimit: 3600,
      sessionTimeout: 7_200_000,
    });
  });

  it.each([
    [
      { apps, orgs: [simOrg("a", { app: "3MVG9demo" }), simOrg("b", { app: "nope" })] },
      'orgs[1].app: no app with clientId "nope"',
    ],
    [{ apps, orgs: [simOrg("a", { app: "3MVG9demo", scenario: "sunny" })] }, "orgs[0].scenario:"],
    [
      { apps, orgs: [simOrg("a", { app: "3MVG9demo", sessionTimeout: "soon" })] },
      'orgs[0].sessionTimeout: "soon" is not a duration',
    ],
    [
      { apps, orgs: [simOrg("a", { app: "3MVG9demo", users: [{ username: "x", colour: 1 }] })] },
      "orgs[0].users[0]",
    ],
    [
      { apps: [{ clientId: "k", certificate: "not a pem" }], orgs: [simOrg("a", { app: "k" })] },
      "apps[0].certificate: not an X.509 PEM certificate",
    ],
    [
      {
        apps: [{ clientId: "k", certificateFile: "./missing.crt" }],
        orgs: [simOrg("a", { app: "k" })],
      },
      "apps[0].certificateFile: cannot read ./missing.crt",
    ],
  ])("names the YAML path of a problem (%#)", (tree, expected) => {
    expect(problems(tree)).toContain(expected);
  });
});

describe("ids and versions", () => {
  it("computes the real 18-character checksum", () => {
    expect(to18("001A0000006Vm9r")).toBe("001A0000006Vm9rIAC");
  });
  it("labels versions with their release", () => {
    expect([releaseLabel(20), releaseLabel(65), releaseLabel(66), releaseLabel(67)]).toEqual([
      "Winter '11",
      "Winter '26",
      "Spring '26",
      "Summer '26",
    ]);
  });
});

describe("scenarios", () => {
  it("every scenario is a cause id of the domain (or healthy)", () => {
    for (const s of SCENARIOS)
      expect(s === "healthy" || (CAUSE_IDS as readonly string[]).includes(s)).toBe(true);
  });

  it("setting a scenario resets the org to its SIMFILE baseline first", () => {
    const spec = validateSpec(
      {
        apps: [{ clientId: "k", certificate: id.certificatePem }],
        orgs: [simOrg("a", { app: "k" })],
      },
      tmp.dir,
    );
    const state = buildState(spec, new ManualClock(0));
    const control = createControl(state);
    control.setScenario("a", "user_inactive");
    expect(state.orgs[0]?.users[0]?.active).toBe(false);
    control.setScenario("a", "api_disabled");
    expect(state.orgs[0]?.users[0]).toMatchObject({ active: true, apiEnabled: false });
    control.setScenario("a", "healthy");
    expect(state.orgs[0]?.users[0]).toMatchObject({ active: true, apiEnabled: true });
    expect(() => control.setScenario("a", "sunny")).toThrow('unknown scenario "sunny"');
  });
});

describe("control API over HTTP", () => {
  const spec = () =>
    validateSpec(
      {
        apps: [{ clientId: "k", certificate: id.certificatePem }],
        orgs: [simOrg("a", { app: "k" })],
      },
      tmp.dir,
    );

  function app() {
    const state = buildState(spec(), new ManualClock(1_000));
    for (const org of state.orgs) applyScenario(state, org, org.scenario);
    return buildApp(state, createControl(state));
  }

  it("refuses non-loopback callers with 403", async () => {
    const res = await app().inject({
      method: "GET",
      url: "/__sim/state",
      remoteAddress: "10.1.2.3",
    });
    expect(res.statusCode).toBe(403);
  });

  it("reads state without any private key or PEM, and drives scenario, patches, clock and faults", async () => {
    const a = app();
    const send = (method: "GET" | "PUT" | "PATCH" | "POST", url: string, payload?: object) =>
      a.inject({
        method,
        url,
        remoteAddress: "127.0.0.1",
        ...(payload && { payload, headers: { "content-type": "application/json" } }),
      });
    const state = await send("GET", "/__sim/state");
    expect(state.body).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(state.json()).toMatchObject({
      now: 1_000,
      orgs: [{ id: "a", scenario: "healthy", myDomainHost: "a.my.salesforce.com" }],
    });
    expect(
      (await send("PUT", "/__sim/orgs/a/scenario", { scenario: "org_inactive" })).statusCode,
    ).toBe(200);
    expect(
      (await send("PATCH", "/__sim/orgs/a/users/integration@a.com", { frozen: true })).statusCode,
    ).toBe(200);
    expect((await send("PATCH", "/__sim/orgs/a", { apiMax: "lots" })).json()).toMatchObject({
      error: expect.stringContaining("apiMax") as unknown,
    });
    expect((await send("PUT", "/__sim/orgs/a/faults/token", { kind: "html503" })).statusCode).toBe(
      200,
    );
    expect((await send("POST", "/__sim/clock/advance", { ms: 500 })).json()).toEqual({
      now: 1_500,
    });
    const after = (await send("GET", "/__sim/state")).json<{ orgs: Record<string, unknown>[] }>()
      .orgs[0];
    expect(after).toMatchObject({
      active: false,
      scenario: "org_inactive",
      faults: { token: { kind: "html503" } },
      users: [{ frozen: true }],
    });
    expect((await send("GET", "/__sim/orgs/a/counters")).json()).toMatchObject({
      api: { used: 0, max: 15000, calls: 0 },
    });
  });
});
