import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgHistory } from "../../src/domain/history.js";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import type { CheckResult } from "../../src/domain/result.js";
import { checkWith } from "../helpers/check.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import {
  loginUrlOf,
  pinnedClient,
  simSpec,
  targetsFor,
  TestClock,
  type FleetOrg,
} from "../helpers/fleet.js";

const DAY = 86_400_000;

/** Scenario → the cause and stage orgwatch must report, and history that makes it so. */
const TABLE: {
  scenario: string;
  cause: string | null;
  stage: string | null;
  sandbox?: boolean;
  history?: (now: number) => Partial<OrgHistory>;
  transient?: boolean;
}[] = [
  { scenario: "healthy", cause: null, stage: null },
  { scenario: "app_not_installed", cause: "app_not_installed", stage: "token" },
  { scenario: "user_not_preauthorized", cause: "user_not_preauthorized", stage: "token" },
  { scenario: "consumer_not_approved", cause: "consumer_not_approved", stage: "token" },
  {
    scenario: "approval_aged_out",
    cause: "approval_aged_out",
    stage: "token",
    history: (now) => ({
      firstSeenAt: iso(now - 60 * DAY),
      firstSuccessAt: iso(now - 60 * DAY),
      lastSuccessAt: iso(now - DAY),
    }),
  },
  { scenario: "audience_invalid", cause: "audience_invalid", stage: "token" },
  { scenario: "invalid_assertion", cause: "invalid_assertion", stage: "token" },
  { scenario: "assertion_expired", cause: "assertion_expired", stage: "token" },
  {
    scenario: "client_id_invalid",
    cause: "client_id_invalid",
    stage: "token",
    history: (now) => ({ firstSeenAt: iso(now - DAY) }),
  },
  { scenario: "app_propagating", cause: "app_propagating", stage: "token", transient: true },
  { scenario: "user_not_found", cause: "user_not_found", stage: "token", sandbox: true },
  { scenario: "user_inactive", cause: "user_inactive", stage: "token" },
  { scenario: "org_inactive", cause: "org_inactive", stage: "token" },
  { scenario: "ip_restricted", cause: "ip_restricted", stage: "token" },
  {
    scenario: "login_rate_exceeded",
    cause: "login_rate_exceeded",
    stage: "token",
    transient: true,
  },
  { scenario: "api_disabled", cause: "api_disabled", stage: "rest" },
  // Identity already reports the allocation spent, so REST waits; the one /limits call a pass
  // spends under the floor is the one that fails.
  { scenario: "api_limit_exceeded", cause: "api_limit_exceeded", stage: "limits", transient: true },
  { scenario: "session_invalid", cause: "session_invalid", stage: "identity" },
  { scenario: "session_not_valid_for_api", cause: "session_not_valid_for_api", stage: "rest" },
  {
    scenario: "jwt_token_format_unsupported",
    cause: "jwt_token_format_unsupported",
    stage: "bulk",
  },
  { scenario: "insufficient_access", cause: "insufficient_access", stage: "rest" },
  { scenario: "api_version_unsupported", cause: "api_version_unsupported", stage: "rest" },
  {
    scenario: "salesforce_unavailable",
    cause: "salesforce_unavailable",
    stage: "token",
    transient: true,
  },
];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const orgs: FleetOrg[] = TABLE.map((row) => ({
  id: `o-${row.scenario.replace(/_/g, "-")}`,
  scenario: row.scenario,
  ...(row.sandbox ? { sandbox: true } : {}),
}));

let id: GeneratedIdentity;
let sim: Simulator;
const clock = new TestClock();
const results = new Map<string, CheckResult>();

beforeAll(async () => {
  id = generateIdentity();
  sim = await startSimulator({ spec: simSpec(id, orgs), clock });
  const targets = targetsFor(id, orgs, sim.port, { defaults: { timeout: "3s" } });
  const client = pinnedClient();
  const now = clock.now();
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
      results.set(row.scenario, result);
    }),
  );
});

afterAll(async () => {
  await sim?.close();
});

describe("every simulator scenario classifies to its cause", () => {
  for (const [i, row] of TABLE.entries()) {
    it(`${row.scenario} → ${row.cause ?? "healthy"}`, () => {
      const result = results.get(row.scenario)!;
      const org = orgs[i]!;
      expect({
        cause: result.diagnosis?.cause ?? null,
        stage: result.diagnosis?.stage ?? null,
      }).toEqual({
        cause: row.cause,
        stage: row.stage,
      });
      if (row.cause === null) {
        expect(result.healthy).toBe(true);
        expect(
          result.stages.filter((s) => s.stage !== "local").map((s) => [s.stage, s.ok]),
        ).toEqual([
          ["token", true],
          ["identity", true],
          ["rest", true],
          ["limits", true],
          ["bulk", true],
          ["metadata", true],
        ]);
        return;
      }
      expect(result.healthy).toBe(false);
      expect(result.diagnosis?.transient).toBe(row.transient ?? false);
      const fix = result.diagnosis?.fix.join("\n") ?? "";
      expect(fix).toContain(`orgwatch check --config test.yaml --org ${org.id}`);
      const host = loginUrlOf(org, sim.port).replace(/^http:/, "https:");
      const hostOnly = ["audience_invalid", "api_version_unsupported"];
      if (hostOnly.includes(row.cause)) {
        expect(fix).toContain(host);
      } else if (
        !["salesforce_unavailable", "assertion_expired", "org_inactive"].includes(row.cause)
      ) {
        expect(fix).toContain(`${host}/lightning/setup/`);
      }
    });
  }

  it("the renamed sandbox user is named in the fix", () => {
    const fix = results.get("user_not_found")?.diagnosis?.fix.join("\n") ?? "";
    expect(fix).toContain("integration@o-user-not-found.example.dev");
  });
});
