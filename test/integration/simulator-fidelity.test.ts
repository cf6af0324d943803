import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import {
  apiGet,
  claimsFor,
  postToken,
  signAssertion,
  simIdentity,
  simOrg,
  soapCall,
  tokenOf,
  type SimIdentity,
} from "../helpers/sim.js";

// Wire strings copied from /work/shared/reference/errors.md section D.
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
        simOrg("acme", { minApiVersion: "41.0", deprecatedBelow: "45.0" }),
        simOrg("jwt", {
          appPolicy: { jwtAccessTokens: true },
          maxApiVersion: "68.0",
          jwtAcceptedBy: ["rest", "bulk"],
        }),
        simOrg("jwtrest", { appPolicy: { jwtAccessTokens: true }, jwtAcceptedBy: [] }),
        simOrg("noapi", { users: [{ username: "integration@noapi.com", apiEnabled: false }] }),
        simOrg("edition", { apiEnabled: false }),
      ],
    },
  });
});
afterAll(async () => sim.close());
afterEach(() => {
  sim.control.clearFaults("*");
  sim.control.clearFaults("acme");
});

async function session(user: string) {
  const reply = await postToken(
    sim.url,
    await signAssertion(id.key, claimsFor("3MVG9test", user, clock.now())),
  );
  expect(reply.status).toBe(200);
  const t = tokenOf(reply);
  return { ...t, auth: `Bearer ${t.access_token}` };
}

describe("Salesforce's own headers (D.6, D.12)", () => {
  it("every answer carries Server: sfdcedge and an X-SFDC-Request-Id", async () => {
    const ok = await session("integration@acme.com");
    const rest = await apiGet(`${ok.instance_url}/services/data/v65.0/limits`, ok.auth);
    const versions = await apiGet(`${sim.url}/services/data`);
    for (const r of [rest, versions]) {
      expect(r.headers.get("server")).toBe("sfdcedge");
      expect(r.headers.get("x-sfdc-request-id")).toMatch(/^[0-9a-f-]{16,}$/);
    }
  });

  it("a token 400 has the real error headers", async () => {
    const bad = await postToken(
      sim.url,
      await signAssertion(
        id.key,
        claimsFor("3MVG9test", "integration@acme.com", clock.now(), "https://test.salesforce.com"),
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get("cache-control")).toBe(
      "no-cache,must-revalidate,max-age=0,no-store,private",
    );
    expect(bad.headers.get("expires")).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
    expect(bad.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(bad.headers.get("server")).toBe("sfdcedge");
  });
});

describe("faults that are not Salesforce, or Salesforce overloaded (D.6, D.7)", () => {
  it("proxy403: an HTML 403 from squid without Salesforce's marks", async () => {
    sim.control.setFault("*", "all", { kind: "proxy403" });
    const r = await apiGet(`${sim.url}/services/data`);
    expect(r.status).toBe(403);
    expect(r.headers.get("server")).toBe("squid");
    expect(r.headers.get("x-squid-error")).not.toBeNull();
    expect(r.headers.get("x-sfdc-request-id")).toBeNull();
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("cdn503: the CDN partner page", async () => {
    sim.control.setFault("*", "all", { kind: "cdn503" });
    const r = await apiGet(`${sim.url}/services/data`);
    expect(r.status).toBe(503);
    expect(r.headers.get("server")).toBe("AkamaiNetStorage");
    expect(r.text).toContain("This error originated from Salesforce CDN partner");
  });

  it("busy503: SERVER_UNAVAILABLE JSON", async () => {
    sim.control.setFault("*", "all", { kind: "busy503" });
    const r = await apiGet(`${sim.url}/services/data`);
    expect([r.status, r.text]).toEqual([
      503,
      '[{"message":"Server too busy","errorCode":"SERVER_UNAVAILABLE"}]',
    ]);
  });

  it("unresolvable_instance: a good token whose instance_url names an unreplicated host", async () => {
    sim.control.setFault("acme", "token", { kind: "unresolvable_instance" });
    const { instance_url } = await session("integration@acme.com");
    expect(new URL(instance_url).hostname).toBe("127.unreplicated.my.salesforce.com");
  });
});

describe("retired and deprecated versions (D.11)", () => {
  it("REST answers a retired version with 410, a too-new one with 404", async () => {
    const s = await session("integration@acme.com");
    const retired = await apiGet(`${s.instance_url}/services/data/v40.0/limits`, s.auth);
    expect([retired.status, retired.text]).toEqual([
      410,
      '[{"message":"The requested resource is retired or removed","errorCode":"GONE"}]',
    ]);
    const tooNew = await apiGet(`${s.instance_url}/services/data/v99.0/limits`, s.auth);
    expect(tooNew.status).toBe(404);
  });

  it("SOAP answers a retired version with the UNSUPPORTED_API_VERSION fault", async () => {
    const s = await session("integration@acme.com");
    const r = await soapCall(s.instance_url, "40.0", s.access_token);
    expect(r.status).toBe(500);
    expect(r.text).toContain("<faultcode>sf:UNSUPPORTED_API_VERSION</faultcode>");
  });

  it("a deprecated version works and carries a Warning header; a current one does not", async () => {
    const s = await session("integration@acme.com");
    const old = await apiGet(`${s.instance_url}/services/data/v44.0/limits`, s.auth);
    expect(old.status).toBe(200);
    expect(old.headers.get("warning")).toMatch(/^299 - "API version 44\.0 is deprecated/);
    const now = await apiGet(`${s.instance_url}/services/data/v65.0/limits`, s.auth);
    expect(now.headers.get("warning")).toBeNull();
  });
});

describe("JWT-format access tokens (D.9)", () => {
  it("SOAP accepts them from v68.0 and refuses them below; Bulk may accept them", async () => {
    const s = await session("integration@jwt.com");
    expect(s.access_token.split(".")).toHaveLength(3);
    expect((await soapCall(s.instance_url, "68.0", s.access_token)).status).toBe(200);
    const below = await soapCall(s.instance_url, "67.0", s.access_token);
    expect(below.text).toContain("<faultcode>sf:INVALID_SESSION_ID</faultcode>");
    const bulk = await apiGet(`${s.instance_url}/services/data/v65.0/jobs/ingest`, s.auth);
    expect(bulk.status).toBe(200);
  });

  it("an org whose REST refuses them answers INVALID_JWT_FORMAT", async () => {
    const s = await session("integration@jwtrest.com");
    const r = await apiGet(`${s.instance_url}/services/data/v65.0/limits`, s.auth);
    expect([r.status, r.text]).toEqual([
      401,
      '[{"message":"INVALID_JWT_FORMAT","errorCode":"INVALID_AUTH_HEADER"}]',
    ]);
  });
});

describe("API disabled for the user or for the edition (D.3)", () => {
  it("a user without API Enabled gets API_CURRENTLY_DISABLED on REST and SOAP", async () => {
    const s = await session("integration@noapi.com");
    const r = await apiGet(`${s.instance_url}/services/data/v65.0/limits`, s.auth);
    expect([r.status, r.text]).toEqual([
      403,
      '[{"message":"API is disabled for this User","errorCode":"API_CURRENTLY_DISABLED"}]',
    ]);
    const soap = await soapCall(s.instance_url, "65.0", s.access_token);
    expect(soap.status).toBe(500);
    expect(soap.text).toContain("<faultcode>sf:API_CURRENTLY_DISABLED</faultcode>");
  });

  it("an edition without API access gets API_DISABLED_FOR_ORG", async () => {
    const s = await session("integration@edition.com");
    const r = await apiGet(`${s.instance_url}/services/data/v65.0/limits`, s.auth);
    expect(r.text).toBe(
      '[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]',
    );
  });
});
