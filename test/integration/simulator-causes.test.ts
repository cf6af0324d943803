import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { SCENARIOS, startSimulator, type Simulator } from "../../src/simulator/index.js";
import {
  apiGet,
  claimsFor,
  GRANT,
  postToken,
  signAssertion,
  simIdentity,
  simOrg,
  soapCall,
  tokenOf,
  type Reply,
  type SimIdentity,
} from "../helpers/sim.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const clock = new ManualClock(T0);
let sim: Simulator;
let id: SimIdentity;

type Step = "token" | "limits" | "query" | "bulk" | "soap" | "limits_v65";

interface Row {
  cause: string;
  step: Step;
  status: number;
  body: string;
  contentType?: RegExp;
}

const oauth = (error: string, description: string) =>
  JSON.stringify({ error, error_description: description });
const rest = (message: string, errorCode: string) => JSON.stringify([{ message, errorCode }]);

// Bodies copied from /work/shared/reference/errors.md, not from the simulator's source.
const ROWS: Row[] = [
  {
    cause: "app_not_installed",
    step: "token",
    status: 400,
    body: oauth("app_not_found", "External client app is not installed in this org"),
  },
  {
    cause: "my_domain_required",
    step: "token",
    status: 400,
    body: oauth("app_not_found", "External client app is not installed in this org"),
  },
  {
    cause: "user_not_preauthorized",
    step: "token",
    status: 400,
    body: oauth("invalid_app_access", "user is not admin approved to access this app"),
  },
  {
    cause: "consumer_not_approved",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "user hasn't approved this consumer"),
  },
  {
    cause: "approval_aged_out",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "user hasn't approved this consumer"),
  },
  {
    cause: "audience_invalid",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "audience is invalid"),
  },
  {
    cause: "invalid_assertion",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "invalid assertion"),
  },
  {
    cause: "assertion_expired",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "expired authorization code"),
  },
  {
    cause: "client_id_invalid",
    step: "token",
    status: 400,
    body: oauth("invalid_client_id", "client identifier invalid"),
  },
  {
    cause: "app_propagating",
    step: "token",
    status: 400,
    body: oauth("invalid_client_id", "client identifier invalid"),
  },
  {
    cause: "user_not_found",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "user hasn't approved this consumer"),
  },
  {
    cause: "user_inactive",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "inactive user"),
  },
  {
    cause: "org_inactive",
    step: "token",
    status: 400,
    body: oauth("inactive_org", "Org is locked, closed, or suspended"),
  },
  {
    cause: "ip_restricted",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "ip restricted or invalid login hours"),
  },
  {
    cause: "login_rate_exceeded",
    step: "token",
    status: 400,
    body: oauth("invalid_grant", "login rate exceeded"),
  },
  {
    cause: "api_disabled",
    step: "limits",
    status: 403,
    body: rest("API is disabled for this User", "API_CURRENTLY_DISABLED"),
  },
  {
    cause: "api_limit_exceeded",
    step: "query",
    status: 403,
    body: rest("TotalRequests Limit exceeded.", "REQUEST_LIMIT_EXCEEDED"),
  },
  {
    cause: "session_invalid",
    step: "limits",
    status: 401,
    body: rest("Session expired or invalid", "INVALID_SESSION_ID"),
  },
  {
    cause: "session_not_valid_for_api",
    step: "query",
    status: 401,
    body: rest("This session is not valid for use with the REST API", "INVALID_SESSION_ID"),
  },
  {
    cause: "jwt_token_format_unsupported",
    step: "bulk",
    status: 401,
    body: rest("INVALID_JWT_FORMAT", "INVALID_AUTH_HEADER"),
  },
  {
    cause: "insufficient_access",
    step: "query",
    status: 400,
    body: rest(
      "\nSELECT Id FROM Organization LIMIT 1\n               ^\nERROR at Row:1:Column:16\nsObject type 'Organization' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
      "INVALID_TYPE",
    ),
  },
  {
    cause: "api_version_unsupported",
    step: "limits_v65",
    status: 404,
    body: '[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]',
  },
  {
    cause: "salesforce_unavailable",
    step: "token",
    status: 503,
    body: "",
    contentType: /^text\/html/,
  },
];

const username = (cause: string) => `integration@${cause.replace(/_/g, "-")}.com`;

beforeAll(async () => {
  id = simIdentity();
  sim = await startSimulator({
    clock,
    spec: {
      apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }],
      orgs: [simOrg("healthy"), ...ROWS.map((r) => simOrg(r.cause, { scenario: r.cause }))],
    },
  });
});
afterAll(async () => sim.close());

async function token(user: string): Promise<Reply> {
  return postToken(sim.url, await signAssertion(id.key, claimsFor("3MVG9test", user, clock.now())));
}

async function run(row: Row): Promise<Reply> {
  const reply = await token(username(row.cause));
  if (row.step === "token") return reply;
  expect(reply.status).toBe(200);
  const { access_token, instance_url } = tokenOf(reply);
  const auth = `Bearer ${access_token}`;
  if (row.step === "limits") return apiGet(`${instance_url}/services/data/v60.0/limits`, auth);
  if (row.step === "limits_v65") return apiGet(`${instance_url}/services/data/v65.0/limits`, auth);
  if (row.step === "bulk") return apiGet(`${instance_url}/services/data/v60.0/jobs/ingest`, auth);
  if (row.step === "soap") return soapCall(instance_url, "65.0", access_token);
  const q = encodeURIComponent("SELECT Id FROM Organization LIMIT 1");
  return apiGet(`${instance_url}/services/data/v60.0/query?q=${q}`, auth);
}

describe("every wire-visible cause of errors.md, produced from state", () => {
  it("has a row for every scenario but healthy", () => {
    expect(ROWS.map((r) => r.cause).sort()).toEqual(
      SCENARIOS.filter((s) => s !== "healthy").sort(),
    );
  });

  it("the healthy org gets a token and passes every API rung", async () => {
    const reply = await token(username("healthy"));
    expect(reply.status).toBe(200);
    const { access_token, instance_url } = tokenOf(reply);
    const q = encodeURIComponent("SELECT Id FROM Organization LIMIT 1");
    const res = await apiGet(
      `${instance_url}/services/data/v65.0/query?q=${q}`,
      `Bearer ${access_token}`,
    );
    expect(res.status).toBe(200);
  });

  it.each(ROWS)("$cause → $status", async (row) => {
    const reply = await run(row);
    expect(reply.status).toBe(row.status);
    if (row.contentType) expect(reply.headers.get("content-type")).toMatch(row.contentType);
    else expect(reply.text).toBe(row.body);
  });

  it("jwt_token_format_unsupported: REST works, SOAP below v68.0 faults with INVALID_SESSION_ID at 500", async () => {
    const { access_token, instance_url } = tokenOf(
      await token(username("jwt_token_format_unsupported")),
    );
    expect(access_token.split(".")).toHaveLength(3);
    const q = encodeURIComponent("SELECT Id FROM Organization LIMIT 1");
    const restReply = await apiGet(
      `${instance_url}/services/data/v65.0/query?q=${q}`,
      `Bearer ${access_token}`,
    );
    expect(restReply.status).toBe(200);
    const soap = await soapCall(instance_url, "65.0", access_token);
    expect(soap.status).toBe(500);
    expect(soap.text).toContain("<faultcode>sf:INVALID_SESSION_ID</faultcode>");
  });
});

describe("client bugs answered from the request alone", () => {
  it("a JSON body gives unsupported_grant_type", async () => {
    const res = await fetch(`${sim.url}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: GRANT, assertion: "x.y.z" }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(oauth("unsupported_grant_type", "grant type not supported"));
  });

  it("a missing assertion gives invalid_request", async () => {
    const res = await fetch(`${sim.url}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: GRANT }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(await res.text())).toMatchObject({ error: "invalid_request" });
  });

  it("a malformed Authorization header gives INVALID_HEADER_TYPE", async () => {
    const res = await apiGet(`${sim.url}/services/data/v65.0/limits`, "Basic Zm9vOmJhcg==");
    expect(res.status).toBe(401);
    expect(res.text).toBe(rest("INVALID_HEADER_TYPE", "INVALID_AUTH_HEADER"));
  });
});
