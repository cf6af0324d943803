import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAUSE_IDS } from "../../src/domain/causes.js";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import type { CheckResult } from "../../src/domain/result.js";
import { checkWith } from "../helpers/check.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { FAULT_KINDS, startSimulator, type Simulator } from "../../src/simulator/index.js";
import { baseOf, configuredOrgs, orgs, smallKeyPem, TABLE } from "../helpers/fidelity-table.js";
import { pinnedClient, simSpec, targetsFor, TestClock, type FleetOrg } from "../helpers/fleet.js";

let id: GeneratedIdentity;
let smallKey = "";
let sim: Simulator;
const clock = new TestClock();
const results = new Map<string, CheckResult>();

function base(org: FleetOrg): string {
  return baseOf(org, sim.port);
}

beforeAll(async () => {
  id = generateIdentity();
  smallKey = smallKeyPem();
  sim = await startSimulator({ spec: simSpec(id, orgs), clock });
  const now = clock.now();
  const configured = configuredOrgs(sim.port, now, smallKey);
  const targets = targetsFor(id, configured, sim.port, { defaults: { timeout: "3s" } });
  const client = pinnedClient();
  await Promise.all(
    targets.map(async (target, i) => {
      const row = TABLE[i]!;
      const history = { ...EMPTY_HISTORY, ...row.history?.(now) };
      const result = await checkWith(target, `${target.id}:1`, {
        client,
        clock,
        history,
        previousFacts: null,
        recheckCommand: `orgwatch check --config test.yaml --org ${target.id}`,
      });
      results.set(row.name, result);
    }),
  );
});

afterAll(async () => {
  await sim?.close();
});

describe("every simulator state classifies to its one cause, stage and first fix step", () => {
  for (const [i, row] of TABLE.entries()) {
    it(`${row.name} → ${row.cause ?? "healthy"}${row.stage ? ` at ${row.stage}` : ""}`, () => {
      const result = results.get(row.name)!;
      const org = orgs[i]!;
      expect({
        cause: result.diagnosis?.cause ?? null,
        stage: result.diagnosis?.stage ?? null,
      }).toEqual({ cause: row.cause, stage: row.stage });
      if (row.cause === null) {
        expect(result.healthy).toBe(true);
        expect(result.warnings.map((w) => w.cause)).toEqual(row.warning ? [row.warning] : []);
        return;
      }
      const d = result.diagnosis!;
      expect(d.transient).toBe(row.transient ?? false);
      if (row.first !== undefined) {
        const first = d.fix[0] ?? "";
        if (typeof row.first === "string")
          expect(first).toContain(row.first.replace("$BASE", base(org)));
        else expect(first).toMatch(row.first);
      }
      expect(d.fix.at(-1)).toBe(`Re-check: orgwatch check --config test.yaml --org ${org.id}`);
    });
  }

  it("covers every cause id but the certificate warning, every fault and both app kinds", () => {
    const causes = new Set(TABLE.map((r) => r.cause));
    // certificate_expiring is a side warning by construction; the three client bugs are answers
    // to requests the wire client never sends (the simulator tests cover their bodies)
    const notOnThisPath = [
      "certificate_expiring",
      "unsupported_grant_type",
      "invalid_request",
      "auth_header_invalid",
    ];
    const expectedCauses = CAUSE_IDS.filter((c) => !notOnThisPath.includes(c));
    expect(expectedCauses.filter((c) => !causes.has(c))).toEqual([]);
    const faults = new Set(TABLE.map((r) => r.fault));
    expect(FAULT_KINDS.filter((k) => k !== "none" && !faults.has(k))).toEqual([]);
    const kinds = new Set(
      TABLE.map((r) => (r.sim?.["appKind"] === undefined ? "connected_app" : r.sim["appKind"])),
    );
    expect([...kinds].sort()).toEqual(["connected_app", "external_client_app"]);
  });

  it("the proxy's evidence keeps its Server header and nothing of Salesforce's", () => {
    const ev = results.get("proxy-token")!.stages.find((s) => s.stage === "token")!.evidence!;
    expect(ev.headers?.server).toBe("squid");
    expect(ev.headers?.["x-sfdc-request-id"]).toBeUndefined();
  });

  it("Salesforce's answers keep Server: sfdcedge and the request id", () => {
    const ev = results.get("audience-invalid")!.stages.find((s) => s.stage === "token")!.evidence!;
    expect(ev.headers?.server).toBe("sfdcedge");
    expect(ev.headers?.["x-sfdc-request-id"]).toMatch(/\w{8,}/);
  });

  it("a deprecated version is a fact of the pass", () => {
    expect(results.get("version-deprecated")!.facts.apiVersionWarning).toMatch(/deprecated/);
  });
});
