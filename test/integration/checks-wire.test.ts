import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import { checkWith } from "../helpers/check.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { mapPool } from "../../src/platform/pool.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { pinnedClient, simSpec, targetsFor, TestClock, type FleetOrg } from "../helpers/fleet.js";

const BAD: { id: string; endpoint: string; kind: string; cause: string; stage: string }[] = [
  {
    id: "w-html",
    endpoint: "token",
    kind: "html503",
    cause: "salesforce_unavailable",
    stage: "token",
  },
  {
    id: "w-trunc",
    endpoint: "token",
    kind: "truncated",
    cause: "salesforce_unavailable",
    stage: "token",
  },
  {
    id: "w-nonjson",
    endpoint: "token",
    kind: "nonjson",
    cause: "salesforce_unavailable",
    stage: "token",
  },
  {
    id: "w-noat",
    endpoint: "token",
    kind: "no_access_token",
    cause: "salesforce_unavailable",
    stage: "token",
  },
  {
    id: "w-hang",
    endpoint: "token",
    kind: "hang",
    cause: "salesforce_unavailable",
    stage: "token",
  },
  { id: "w-reset", endpoint: "token", kind: "reset", cause: "network_error", stage: "token" },
  {
    id: "w-redirect",
    endpoint: "token",
    kind: "redirect_login",
    cause: "network_error",
    stage: "token",
  },
  {
    id: "w-resthtml",
    endpoint: "query",
    kind: "html503",
    cause: "salesforce_unavailable",
    stage: "rest",
  },
  {
    id: "w-resthang",
    endpoint: "query",
    kind: "hang",
    cause: "salesforce_unavailable",
    stage: "rest",
  },
  {
    id: "w-soapjunk",
    endpoint: "soap",
    kind: "nonjson",
    cause: "salesforce_unavailable",
    stage: "metadata",
  },
];

let id: GeneratedIdentity;
let sim: Simulator;
const clock = new TestClock();

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === "object" && address ? address.port : 1;
}

beforeAll(async () => {
  id = generateIdentity();
  const orgs: FleetOrg[] = [
    { id: "w-ok", scenario: "healthy" },
    ...BAD.map((b) => ({ id: b.id, scenario: "healthy" })),
  ];
  sim = await startSimulator({ spec: simSpec(id, orgs), clock });
  for (const bad of BAD) sim.control.setFault(bad.id, bad.endpoint, { kind: bad.kind });
});

afterAll(async () => {
  await sim?.close();
});

describe("bad wire input never crashes a check and never yields healthy", () => {
  it("classifies each fault and leaves the healthy org in the same pass healthy", async () => {
    const port = await closedPort();
    const orgs: FleetOrg[] = [
      { id: "w-ok", scenario: "healthy" },
      ...BAD.map((b) => ({ id: b.id, scenario: "healthy" })),
    ];
    const targets = [
      ...targetsFor(id, orgs, sim.port, { defaults: { timeout: "700ms" } }),
      ...targetsFor(id, [{ id: "w-refused", scenario: "healthy" }], port),
    ];
    const client = pinnedClient();
    const results = await mapPool(targets, 16, (target) =>
      checkWith(target, `${target.id}:1`, {
        client,
        clock,
        history: EMPTY_HISTORY,
        previousFacts: null,
        recheckCommand: "orgwatch check",
      }),
    );
    const byId = new Map(results.map((r) => [r.orgId, r]));
    expect(byId.get("w-ok")?.healthy).toBe(true);
    for (const bad of BAD) {
      const r = byId.get(bad.id)!;
      expect(r.healthy, bad.id).toBe(false);
      expect(r.diagnosis?.cause, bad.id).toBe(bad.cause);
      expect(r.diagnosis?.stage, bad.id).toBe(bad.stage);
      expect(r.diagnosis?.summary.length, bad.id).toBeGreaterThan(10);
    }
    const refused = byId.get("w-refused")!;
    expect(refused.diagnosis?.cause).toBe("network_error");
    expect(refused.stages.find((s) => s.stage === "token")?.evidence?.networkCode).toBe(
      "ECONNREFUSED",
    );
  });
});

describe("timelines", () => {
  it("a new app fails while it propagates, then works", async () => {
    sim.control.setScenario("w-ok", "app_propagating");
    const [target] = targetsFor(id, [{ id: "w-ok", scenario: "healthy" }], sim.port);
    const deps = {
      client: pinnedClient(),
      clock,
      history: EMPTY_HISTORY,
      previousFacts: null,
      recheckCommand: "x",
    };
    const first = await checkWith(target!, "p:1", deps);
    expect(first.diagnosis).toMatchObject({ cause: "app_propagating", transient: true });
    clock.advance(11 * 60_000);
    const later = await checkWith(target!, "p:2", deps);
    expect(later.healthy).toBe(true);
  });

  it("an approval ages out weeks after it worked", async () => {
    sim.control.setScenario("w-ok", "healthy");
    sim.control.patchApp("w-ok", {
      permittedUsers: "all_users",
      refreshTokenPolicy: { expireAfter: "30d" },
    });
    sim.control.patchUser("w-ok", "integration@w-ok.example", {
      approvedAt: new Date(clock.now()).toISOString(),
    });
    const [target] = targetsFor(id, [{ id: "w-ok", scenario: "healthy" }], sim.port);
    const client = pinnedClient();
    const start = clock.now();
    const ok = await checkWith(target!, "a:1", {
      client,
      clock,
      history: EMPTY_HISTORY,
      previousFacts: null,
      recheckCommand: "x",
    });
    expect(ok.healthy).toBe(true);
    clock.advance(31 * 86_400_000);
    const history = {
      ...EMPTY_HISTORY,
      firstSeenAt: new Date(start).toISOString(),
      firstSuccessAt: new Date(start).toISOString(),
      lastSuccessAt: new Date(start).toISOString(),
    };
    const aged = await checkWith(target!, "a:2", {
      client,
      clock,
      history,
      previousFacts: null,
      recheckCommand: "x",
    });
    expect(aged.diagnosis?.cause).toBe("approval_aged_out");
  });
});
