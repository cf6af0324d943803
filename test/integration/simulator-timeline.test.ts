import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import {
  apiGet,
  claimsFor,
  postToken,
  signAssertion,
  simIdentity,
  simOrg,
  tokenOf,
  type OrgInput,
  type Reply,
  type SimIdentity,
} from "../helpers/sim.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;
const NOT_APPROVED =
  '{"error":"invalid_grant","error_description":"user hasn\'t approved this consumer"}';
const CLIENT_ID_INVALID =
  '{"error":"invalid_client_id","error_description":"client identifier invalid"}';
const RATE = '{"error":"invalid_grant","error_description":"login rate exceeded"}';
const LIMIT = '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]';
const SESSION = '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]';

let clock: ManualClock;
let sim: Simulator;
let id: SimIdentity;

beforeAll(() => {
  id = simIdentity();
});

async function start(orgs: OrgInput[]): Promise<void> {
  clock = new ManualClock(T0);
  sim = await startSimulator({
    clock,
    spec: { apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }], orgs },
  });
}
afterEach(async () => sim.close());

async function login(user: string, aud?: string): Promise<Reply> {
  // the client's clock is the simulated clock: exp = now + 180 s
  return postToken(
    sim.url,
    await signAssertion(id.key, claimsFor("3MVG9test", user, sim.control.now(), aud)),
  );
}

describe("propagation window", () => {
  it("a just-created app fails with client identifier invalid, then works after 2-10 minutes", async () => {
    await start([simOrg("fresh", { scenario: "app_propagating" })]);
    expect((await login("integration@fresh.com")).text).toBe(CLIENT_ID_INVALID);
    sim.control.advanceClock(2 * MIN - 1);
    expect((await login("integration@fresh.com")).text).toBe(CLIENT_ID_INVALID);
    sim.control.advanceClock(8 * MIN + 1);
    expect((await login("integration@fresh.com")).status).toBe(200);
  });

  it("a configured window is honoured to the millisecond", async () => {
    await start([
      simOrg("fixed", { appPolicy: { createdAt: new Date(T0).toISOString(), propagation: "3m" } }),
    ]);
    sim.control.advanceClock(3 * MIN - 1);
    expect((await login("integration@fixed.com")).text).toBe(CLIENT_ID_INVALID);
    sim.control.advanceClock(1);
    expect((await login("integration@fixed.com")).status).toBe(200);
  });
});

describe("approval aging out", () => {
  it("a self-authorized approval works until the refresh-token policy expires it", async () => {
    const approvedAt = new Date(T0).toISOString();
    await start([
      simOrg("aging", {
        appPolicy: { permittedUsers: "all_users", refreshTokenPolicy: { expireAfter: "90d" } },
        users: [{ username: "integration@aging.com", approvedAt }],
      }),
    ]);
    expect((await login("integration@aging.com")).status).toBe(200);
    sim.control.advanceClock(90 * DAY - 1);
    expect((await login("integration@aging.com")).status).toBe(200);
    sim.control.advanceClock(1);
    expect((await login("integration@aging.com")).text).toBe(NOT_APPROVED);
    sim.control.patchApp("aging", { refreshTokenPolicy: "until_revoked", propagation: "5m" });
    // the policy edit propagates: the old policy answers until the window has passed
    expect((await login("integration@aging.com")).text).toBe(NOT_APPROVED);
    sim.control.advanceClock(5 * MIN - 1);
    expect((await login("integration@aging.com")).text).toBe(NOT_APPROVED);
    sim.control.advanceClock(1);
    expect((await login("integration@aging.com")).status).toBe(200);
  });
});

describe("login rate limit", () => {
  it("failures count too; the limit clears in the next hour", async () => {
    await start([simOrg("busy", { loginRateLimit: 5 })]);
    for (let i = 0; i < 3; i++) {
      expect((await login("integration@busy.com", "https://nowhere.example")).status).toBe(400);
    }
    expect((await login("integration@busy.com")).status).toBe(200);
    expect((await login("integration@busy.com")).status).toBe(200);
    expect((await login("integration@busy.com")).text).toBe(RATE);
    expect(sim.control.counters("busy").logins).toEqual({
      total: 6,
      failures: 4,
      thisHour: 6,
      byUser: { "integration@busy.com": { thisHour: 6, total: 6, failures: 4 } },
    });
    sim.control.advanceClock(60 * MIN);
    expect((await login("integration@busy.com")).status).toBe(200);
    expect(sim.control.counters("busy").logins.thisHour).toBe(1);
  });
});

describe("API limits and sessions", () => {
  it("counts each API call, reports it in Sforce-Limit-Info, and refuses at the max", async () => {
    await start([simOrg("tight", { apiMax: 3, apiUsed: 1 })]);
    const { access_token, instance_url } = tokenOf(await login("integration@tight.com"));
    const auth = `Bearer ${access_token}`;
    const versions = await apiGet(`${instance_url}/services/data`);
    expect(versions.headers.get("sforce-limit-info")).toBeNull();
    const first = await apiGet(`${instance_url}/services/data/v65.0/limits`, auth);
    expect(first.headers.get("sforce-limit-info")).toBe("api-usage=2/3");
    expect(JSON.parse(first.text)).toMatchObject({ DailyApiRequests: { Max: 3, Remaining: 1 } });
    const second = await apiGet(`${instance_url}/services/data/v65.0/jobs/query`, auth);
    expect(second.headers.get("sforce-limit-info")).toBe("api-usage=3/3");
    const refused = await apiGet(`${instance_url}/services/data/v65.0/limits`, auth);
    expect(refused.status).toBe(403);
    expect(refused.text).toBe(LIMIT);
    expect((await apiGet(`${instance_url}/services/data`)).status).toBe(200);
    expect(sim.control.counters("tight").api).toEqual({ used: 3, max: 3, calls: 2 });
    sim.control.setApiUsage("tight", { used: 0 });
    expect((await apiGet(`${instance_url}/services/data/v65.0/limits`, auth)).status).toBe(200);
  });

  it("sessions die after the idle timeout (2 h by default) and when revoked", async () => {
    await start([simOrg("idle")]);
    const url = (t: { instance_url: string }) => `${t.instance_url}/services/data/v65.0/limits`;
    const a = tokenOf(await login("integration@idle.com"));
    sim.control.advanceClock(2 * 3_600_000 - 1);
    expect((await apiGet(url(a), `Bearer ${a.access_token}`)).status).toBe(200);
    sim.control.advanceClock(2 * 3_600_000);
    expect((await apiGet(url(a), `Bearer ${a.access_token}`)).text).toBe(SESSION);
    const b = tokenOf(await login("integration@idle.com"));
    sim.control.revokeSessions("idle");
    expect((await apiGet(url(b), `Bearer ${b.access_token}`)).status).toBe(401);
  });
});
