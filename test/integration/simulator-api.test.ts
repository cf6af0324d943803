import { request as httpRequest } from "node:http";
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
  type Reply,
  type SimIdentity,
} from "../helpers/sim.js";

const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
const AUD_INVALID = '{"error":"invalid_grant","error_description":"audience is invalid"}';
let sim: Simulator;
let id: SimIdentity;

beforeAll(async () => {
  id = simIdentity();
  sim = await startSimulator({
    clock,
    spec: {
      apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }],
      orgs: [
        simOrg("acme", { maxApiVersion: "66.0" }),
        simOrg("sbx", {
          myDomain: "acme",
          sandbox: true,
          sandboxName: "sbx",
          users: [{ username: "integration@acme.com.sbx" }],
        }),
        simOrg("jwt", { appPolicy: { jwtAccessTokens: true }, maxApiVersion: "68.0" }),
        simOrg("eca", { appKind: "external_client_app" }),
      ],
    },
  });
});
afterAll(async () => sim.close());
afterEach(() => {
  sim.control.clearFaults("acme");
  sim.control.clearFaults("*");
});

async function login(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<Reply> {
  return postToken(sim.url, await signAssertion(id.key, claims, header));
}

const base = (user: string, aud?: string) => claimsFor("3MVG9test", user, clock.now(), aud);

describe("the token endpoint's assertion rules", () => {
  const nowS = () => Math.floor(clock.now() / 1000);
  it.each([
    ["login", "https://login.salesforce.com"],
    ["login + slash", "https://login.salesforce.com/"],
  ])("accepts aud %s for a production Connected App", async (_name, aud) => {
    expect((await login(base("integration@acme.com", aud))).status).toBe(200);
  });

  it.each([
    ["My Domain", "https://acme.my.salesforce.com"],
    ["My Domain + slash", "https://acme.my.salesforce.com/"],
  ])("a Connected App rejects aud %s (errors.md D.2)", async (_name, aud) => {
    expect((await login(base("integration@acme.com", aud))).text).toBe(AUD_INVALID);
  });

  it("rejects test.salesforce.com for production and login.salesforce.com for a sandbox", async () => {
    expect((await login(base("integration@acme.com", "https://test.salesforce.com"))).text).toBe(
      AUD_INVALID,
    );
    expect((await login(base("integration@acme.com.sbx"))).text).toBe(AUD_INVALID);
    const sandboxAud = "https://acme--sbx.sandbox.my.salesforce.com/";
    expect((await login(base("integration@acme.com.sbx", sandboxAud))).text).toBe(AUD_INVALID);
    expect(
      (await login(base("integration@acme.com.sbx", "https://test.salesforce.com"))).status,
    ).toBe(200);
  });

  it("an External Client App takes its My Domain and answers app_not_found to a generic aud (D.1)", async () => {
    expect((await login(base("integration@eca.com", "https://eca.my.salesforce.com"))).status).toBe(
      200,
    );
    const generic = await login(base("integration@eca.com", "https://login.salesforce.com"));
    expect(generic.status).toBe(400);
    expect(generic.text).toBe(
      '{"error":"app_not_found","error_description":"External client app is not installed in this org"}',
    );
  });

  it("accepts prn for sub, exp as a numeric string or in milliseconds, typ JWT in the header", async () => {
    const { sub, ...rest } = base("integration@acme.com");
    expect((await login({ ...rest, prn: sub })).status).toBe(200);
    expect((await login({ ...rest, sub, exp: String(nowS() + 60) })).status).toBe(200);
    expect(await login({ ...rest, sub, exp: clock.now() + 300 }, { typ: "JWT" })).toMatchObject({
      status: 200,
    });
  });

  it("rejects exp <= now and a signature from another key", async () => {
    const expired = '{"error":"invalid_grant","error_description":"expired authorization code"}';
    expect((await login({ ...base("integration@acme.com"), exp: nowS() })).text).toBe(expired);
    const other = simIdentity();
    const reply = await postToken(
      sim.url,
      await signAssertion(other.key, base("integration@acme.com")),
    );
    expect(reply.text).toBe('{"error":"invalid_grant","error_description":"invalid assertion"}');
  });

  it("returns the success body fields in order, with an opaque 00D…! token and a no-store header", async () => {
    const reply = await login(base("integration@acme.com"));
    const body = JSON.parse(reply.text) as Record<string, string>;
    expect(Object.keys(body)).toEqual([
      "access_token",
      "scope",
      "instance_url",
      "id",
      "token_type",
      "issued_at",
      "signature",
    ]);
    expect(body["access_token"]).toMatch(/^00D[A-Za-z0-9]{12}![A-Za-z0-9.]+$/);
    expect(body["scope"]).toBe("api refresh_token offline_access");
    expect(body["id"]).toMatch(new RegExp(`^${sim.url}/id/00D[A-Za-z0-9]{15}/005[A-Za-z0-9]{15}$`));
    expect(body["issued_at"]).toBe(String(clock.now()));
    expect(Buffer.from(body["signature"] ?? "", "base64")).toHaveLength(32);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.headers.get("content-type")).toBe("application/json;charset=UTF-8");
  });

  it("builds instance_url and id from the Host header the client used", async () => {
    const assertion = await signAssertion(id.key, base("integration@acme.com"));
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
    }).toString();
    const host = `acme.my.salesforce.com:${sim.port}`;
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: sim.port,
          path: "/services/oauth2/token",
          method: "POST",
          headers: { host, "content-type": "application/x-www-form-urlencoded" },
        },
        (res) => {
          let data = "";
          res.on("data", (c: Buffer) => (data += c.toString()));
          res.on("end", () => resolve(data));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(tokenOf({ status: 200, headers: new Headers(), text }).instance_url).toBe(
      `http://${host}`,
    );
  });
});

describe("the API ladder", () => {
  let token: { access_token: string; instance_url: string; id: string };
  beforeAll(async () => {
    token = tokenOf(await login(base("integration@acme.com")));
  });
  const auth = () => `Bearer ${token.access_token}`;

  it("lists versions up to the org's max without a token; a higher version is 404", async () => {
    const list = JSON.parse((await apiGet(`${sim.url}/services/data`, auth())).text) as {
      version: string;
      label: string;
    }[];
    expect(list.at(-1)).toEqual({
      label: "Spring '26",
      url: "/services/data/v66.0",
      version: "66.0",
    });
    expect(list.find((v) => v.version === "65.0")?.label).toBe("Winter '26");
    const tooNew = await apiGet(`${sim.url}/services/data/v67.0/limits`, auth());
    expect(tooNew.status).toBe(404);
    expect(tooNew.text).toBe(
      '[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]',
    );
  });

  it("answers the identity URL and userinfo for the token's user", async () => {
    const idReply = JSON.parse((await apiGet(token.id, auth())).text) as Record<string, unknown>;
    expect(idReply).toMatchObject({ username: "integration@acme.com", active: true, id: token.id });
    const info = JSON.parse(
      (await apiGet(`${sim.url}/services/oauth2/userinfo`, auth())).text,
    ) as Record<string, unknown>;
    expect(info).toMatchObject({ preferred_username: "integration@acme.com", sub: token.id });
  });

  it("answers the health-check queries and refuses others as Salesforce does", async () => {
    const q = (soql: string) =>
      apiGet(`${sim.url}//services/data/v51.0/query?q=${encodeURIComponent(soql)}`, auth());
    const sfdx = JSON.parse(
      (
        await q(
          "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization",
        )
      ).text,
    ) as { records: Record<string, unknown>[] };
    expect(sfdx.records[0]).toMatchObject({
      IsSandbox: false,
      OrganizationType: "Enterprise Edition",
      TrialExpirationDate: null,
    });
    const scratch = await q("SELECT Id FROM ScratchOrgInfo limit 1");
    expect(scratch.status).toBe(400);
    expect(JSON.parse(scratch.text)).toEqual([
      {
        message: expect.stringContaining(
          "sObject type 'ScratchOrgInfo' is not supported.",
        ) as unknown,
        errorCode: "INVALID_TYPE",
      },
    ]);
    expect(JSON.parse((await q("DELETE everything")).text)).toMatchObject([
      { errorCode: "MALFORMED_QUERY" },
    ]);
    const none = await apiGet(`${sim.url}/services/data/v65.0/query`, auth());
    expect(none.text).toBe(
      '[{"message":"A query string has to be specified","errorCode":"MALFORMED_QUERY"}]',
    );
  });

  it("serves Bulk 2.0 listings and Metadata describe/list over SOAP; a bad session is a 500 fault", async () => {
    expect(
      JSON.parse((await apiGet(`${sim.url}/services/data/v65.0/jobs/ingest`, auth())).text),
    ).toEqual({ done: true, records: [], nextRecordsUrl: null });
    const described = await soapCall(sim.url, "65.0", token.access_token);
    expect(described.status).toBe(200);
    expect(described.text).toContain("<xmlName>ApexClass</xmlName>");
    expect((await soapCall(sim.url, "65.0", token.access_token, "listMetadata")).text).toContain(
      "<fullName>HealthCheck</fullName>",
    );
    const bad = await soapCall(sim.url, "65.0", "00Dnope!nope");
    expect(bad.status).toBe(500);
    expect(bad.text).toContain("<faultcode>sf:INVALID_SESSION_ID</faultcode>");
  });

  it("JWT-format tokens: Bulk 401, SOAP fault below v68.0, SOAP works from v68.0", async () => {
    const jwt = tokenOf(await login(base("integration@jwt.com")));
    const header = JSON.parse(
      Buffer.from(jwt.access_token.split(".")[0] ?? "", "base64url").toString(),
    ) as object;
    expect(header).toHaveProperty("alg");
    const bulk = await apiGet(
      `${sim.url}/services/data/v65.0/jobs/ingest`,
      `Bearer ${jwt.access_token}`,
    );
    expect(bulk.text).toBe('[{"message":"INVALID_JWT_FORMAT","errorCode":"INVALID_AUTH_HEADER"}]');
    expect((await soapCall(sim.url, "67.0", jwt.access_token)).status).toBe(500);
    expect((await soapCall(sim.url, "68.0", jwt.access_token)).status).toBe(200);
  });
});

describe("faults", () => {
  const call = async (): Promise<Reply> => login(base("integration@acme.com"));

  it.each([
    ["html503", 503, /^text\/html/, "Down for Maintenance"],
    ["nonjson", 200, /^text\/html/, "<html>"],
    ["truncated", 200, /^application\/json/, '{"access_token":"00D"'],
    ["no_access_token", 200, /^application\/json/, '"token_type":"Bearer"'],
  ])("%s", async (kind, status, type, fragment) => {
    sim.control.setFault("acme", "token", { kind });
    const reply = await call();
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toMatch(type);
    expect(reply.text).toContain(fragment);
    expect(reply.text).not.toContain('access_token":"00D' + "SM");
  });

  it("redirect_login sends a 302 to a login page", async () => {
    const { access_token } = tokenOf(await call());
    sim.control.setFault("acme", "all", { kind: "redirect_login" });
    const res = await fetch(`${sim.url}/services/data/v65.0/limits`, {
      headers: { authorization: `Bearer ${access_token}` },
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/\/\?ec=302&startURL=/);
  });

  it("reset destroys the socket and hang never answers", async () => {
    sim.control.setFault("*", "versions", { kind: "reset" });
    await expect(fetch(`${sim.url}/services/data`)).rejects.toThrow();
    sim.control.setFault("*", "versions", { kind: "hang" });
    await expect(
      fetch(`${sim.url}/services/data`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
  });

  it("slow answers normally after the delay; none switches a fault off", async () => {
    sim.control.setFault("acme", "token", { kind: "slow", delayMs: 20 });
    expect((await call()).status).toBe(200);
    sim.control.setFault("acme", "token", { kind: "none" });
    expect((await call()).status).toBe(200);
  });
});
