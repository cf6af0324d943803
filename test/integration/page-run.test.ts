/** The status page's access rules over HTTP against a real `orgwatch run` and the simulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signShare } from "../../src/http/page-auth.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { runFixture, type RunFixture } from "../helpers/run-fixture.js";

const TOKEN = "page-test-token-0123456789";
const SHARE_SECRET = "page-test-share-secret-0123456789abcdef";
const ORGS: FleetOrg[] = [
  { id: "p-ok", scenario: "healthy" },
  { id: "p-api", scenario: "api_disabled" },
];

let fx: RunFixture;
let orgwatch: OrgwatchProcess;

beforeAll(async () => {
  fx = await runFixture(ORGS, {
    server: {
      listen: "127.0.0.1:0",
      apiToken: "${PAGE_TOKEN}",
      publicUrl: "https://orgwatch.example.com",
      shareSecret: "${PAGE_SHARE_SECRET}",
    },
    defaults: { interval: "1h", timeout: "5s", failureThreshold: 1 },
  });
  orgwatch = await startOrgwatch(fx.config, {
    ORGWATCH_RESOLVE: RESOLVE,
    TEST_KEY: fx.id.privateKeyPem,
    PAGE_TOKEN: TOKEN,
    PAGE_SHARE_SECRET: SHARE_SECRET,
  });
  // Both orgs checked once, so the pages have a state, a timeline and (for p-api) an incident.
  for (const o of ORGS) {
    await fetch(`${orgwatch.url}/api/v1/orgs/${o.id}/check`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  }
  await waitUntil("both orgs checked", async () => {
    const r = await Promise.all(
      ORGS.map((o) =>
        fetch(`${orgwatch.url}/api/v1/orgs/${o.id}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        }).then((res) => res.json() as Promise<{ state: string; incident: unknown }>),
      ),
    );
    return r[0]?.state === "healthy" && r[1]?.incident !== null;
  });
}, 60_000);

afterAll(async () => {
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await fx?.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${orgwatch.url}${path}`, { headers, redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function login(token: string) {
  return fetch(`${orgwatch.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next: "/orgs/p-api" }),
    redirect: "manual",
  });
}

describe("status page access", () => {
  it("asks for the token, then keeps a signed HttpOnly SameSite=Strict Secure cookie", async () => {
    const before = await get("/orgs/p-api");
    expect(before.status).toBe(401);
    expect(before.text).toContain('name="token"');
    expect(before.text).not.toContain("api_disabled");

    const wrong = await login("not-the-token-at-all");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).not.toContain("not-the-token-at-all");

    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/orgs/p-api");
    const cookie = ok.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).not.toContain(TOKEN);

    const page = await get("/orgs/p-api", { cookie: cookie.split(";")[0] ?? "" });
    expect(page.status).toBe(200);
    expect(page.text).toContain("api_disabled");
    expect(page.text).toContain('id="fix-steps"');
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    for (const secret of [TOKEN, SHARE_SECRET, "PRIVATE KEY", fx.id.privateKeyPem.slice(40, 80)]) {
      expect(page.text).not.toContain(secret);
    }
    expect(page.text).toContain('action="logout"');
    const out = await fetch(`${orgwatch.url}/logout`, { method: "POST", redirect: "manual" });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^orgwatch_session=; .*Max-Age=0/);
  });

  it("a cookie alone cannot POST to the API without the page's header", async () => {
    const ok = await login(TOKEN);
    const cookie = (ok.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const bare = await fetch(`${orgwatch.url}/api/v1/orgs/p-ok/check`, {
      method: "POST",
      headers: { cookie },
    });
    expect(bare.status).toBe(401);
    const viaPage = await fetch(`${orgwatch.url}/api/v1/orgs/p-ok/check`, {
      method: "POST",
      headers: { cookie, "x-orgwatch-page": "1" },
    });
    expect([202, 409, 429]).toContain(viaPage.status);
  });

  it("a share link opens its org and its check-now, nothing else", async () => {
    const token = signShare("p-api", Date.now() + 3_600_000, SHARE_SECRET);
    const page = await get(`/share/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("api_disabled");
    expect(page.text).not.toContain("p-ok");
    expect(page.text).not.toContain('href="./"');

    const share = { "x-orgwatch-share": token };
    expect((await get("/", share)).status).toBe(401);
    expect((await get("/orgs/p-ok", share)).status).toBe(401);
    expect((await get("/api/v1/orgs/p-api", share)).status).toBe(403);
    const other = await fetch(`${orgwatch.url}/api/v1/orgs/p-ok/check`, {
      method: "POST",
      headers: share,
    });
    expect(other.status).toBe(403);
    const own = await fetch(`${orgwatch.url}/api/v1/orgs/p-api/check`, {
      method: "POST",
      headers: share,
    });
    expect([202, 409, 429]).toContain(own.status);
  });

  it("refuses expired, tampered and re-signed links", async () => {
    const expired = signShare("p-api", Date.now() - 1000, SHARE_SECRET);
    const r1 = await get(`/share/${expired}`);
    expect(r1.status).toBe(403);
    expect(r1.text).toContain("expired");
    const good = signShare("p-api", Date.now() + 3_600_000, SHARE_SECRET);
    const otherOrg = good.replace(/^p-api\./, "p-ok.");
    expect((await get(`/share/${otherOrg}`)).status).toBe(403);
    const rotated = signShare("p-api", Date.now() + 3_600_000, `${SHARE_SECRET}-old`);
    const r3 = await get(`/share/${rotated}`);
    expect(r3.status).toBe(403);
    expect(r3.text).not.toContain("api_disabled");
  });
});
