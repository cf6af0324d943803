import { Connection, OAuth2 } from "jsforce";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import {
  claimsFor,
  GRANT,
  signAssertion,
  simIdentity,
  simOrg,
  type SimIdentity,
} from "../helpers/sim.js";

const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
let sim: Simulator;
let id: SimIdentity;

beforeAll(async () => {
  id = simIdentity();
  sim = await startSimulator({
    clock,
    spec: {
      apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }],
      orgs: [
        simOrg("acme"),
        simOrg("broken", { scenario: "audience_invalid" }),
        simOrg("jwtfmt", { scenario: "jwt_token_format_unsupported" }),
        simOrg("down", { scenario: "salesforce_unavailable" }),
      ],
    },
  });
});
afterAll(async () => sim.close());

const assertionFor = (user: string) =>
  signAssertion(id.key, claimsFor("3MVG9test", user, clock.now()));

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

describe("jsforce 3.10.16 against the simulator", () => {
  it("OAuth2.requestToken gets a complete token response", async () => {
    const oauth2 = new OAuth2({ loginUrl: sim.url });
    const res = await oauth2.requestToken({
      grant_type: GRANT,
      assertion: await assertionFor("integration@acme.com"),
    });
    expect(res.token_type).toBe("Bearer");
    expect(res.instance_url).toBe(sim.url);
    expect(res.access_token).toMatch(/^00D[A-Za-z0-9]{12}!/);
    expect(res.issued_at).toBe(String(clock.now()));
    expect(res).not.toHaveProperty("refresh_token");
  });

  it("conn.authorize, then query, limits and Metadata describe through the same connection", async () => {
    const conn = new Connection({ oauth2: { loginUrl: sim.url }, version: "65.0" });
    const user = await conn.authorize({
      grant_type: GRANT,
      assertion: await assertionFor("integration@acme.com"),
    });
    expect(user.organizationId).toMatch(/^00D/);
    const q = await conn.query<{ Id: string }>("SELECT Id FROM Organization LIMIT 1");
    expect(q.records[0]?.Id).toBe(user.organizationId);
    const limits = await conn.limits();
    expect(limits.DailyApiRequests?.Max).toBe(15000);
    const described = await conn.metadata.describe("65.0");
    expect(described.metadataObjects.map((m) => m.xmlName)).toContain("ApexClass");
    const identity = await conn.identity();
    expect(identity.username).toBe("integration@acme.com");
  });

  it("a broken org surfaces the reference's error and description", async () => {
    const oauth2 = new OAuth2({ loginUrl: sim.url });
    const err = await failure(
      oauth2.requestToken({
        grant_type: GRANT,
        assertion: await assertionFor("integration@broken.com"),
      }),
    );
    expect(err.name).toBe("invalid_grant");
    expect(err.message).toBe("audience is invalid");
  });

  it("a maintenance page becomes ERROR_HTTP_503 with the raw HTML", async () => {
    const oauth2 = new OAuth2({ loginUrl: sim.url });
    const err = await failure(
      oauth2.requestToken({
        grant_type: GRANT,
        assertion: await assertionFor("integration@down.com"),
      }),
    );
    expect(err.name).toBe("ERROR_HTTP_503");
    expect(err.message).toContain("Down for Maintenance");
  });

  it("JWT-format tokens: REST query works, jsforce refuses SOAP locally", async () => {
    const conn = new Connection({ oauth2: { loginUrl: sim.url }, version: "65.0" });
    await conn.authorize({
      grant_type: GRANT,
      assertion: await assertionFor("integration@jwtfmt.com"),
    });
    expect(conn.accessToken?.split(".")).toHaveLength(3);
    const q = await conn.query("SELECT Id FROM Organization LIMIT 1");
    expect(q.totalSize).toBe(1);
    const err = await failure(conn.metadata.describe("65.0"));
    expect(err.message).toContain("JWT");
  });
});
