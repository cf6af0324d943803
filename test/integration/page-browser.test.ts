/**
 * The status page in a real browser (Debian's chromium through playwright-core) against a real
 * `orgwatch run` fed by the simulator: log in with the token, filter by a cause, open an org,
 * "check now", a phone-sized view, and a share link in a fresh context that sees only its org.
 * Screenshots go to test-output/screenshots/ (gitignored).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/prometheus.js";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { runFixture, type RunFixture } from "../helpers/run-fixture.js";
import { ensureBinaries } from "../helpers/system.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = resolve("test-output/screenshots");
const TOKEN = "browser-test-token-0123456789";
const SHARE_SECRET = "browser-test-share-secret-0123456789abcdef";
const ORGS: FleetOrg[] = [
  { id: "acme-prod", scenario: "healthy", config: { name: "Acme Production", tags: ["eu"] } },
  { id: "globex", scenario: "api_disabled", config: { name: "Globex Corporation" } },
  { id: "initech", scenario: "api_disabled" },
  { id: "umbrella", scenario: "user_not_preauthorized", config: { name: "Umbrella (sandbox)" } },
  { id: "hooli", scenario: "app_not_installed", config: { loginBudgetPerHour: 1 } },
  { id: "stark", scenario: "healthy" },
];

let fx: RunFixture;
let orgwatch: OrgwatchProcess;
let browser: Browser;
let env: Record<string, string>;

const exec = promisify(execFile);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function apiCheck(id: string): Promise<number> {
  const res = await fetch(`${orgwatch.url}/api/v1/orgs/${id}/check`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return res.status;
}

beforeAll(async () => {
  ensureBinaries(["chromium"]);
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the status page browser test needs Debian's chromium (apt-get install chromium)`,
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  fx = await runFixture(ORGS, {
    server: {
      listen: `127.0.0.1:${String(port)}`,
      apiToken: "${PAGE_TOKEN}",
      publicUrl: `http://127.0.0.1:${String(port)}`,
      shareSecret: "${PAGE_SHARE_SECRET}",
    },
    // The 409 case holds a token request 6 s: the per-call timeout must outlast it.
    defaults: { interval: "1h", timeout: "15s", failureThreshold: 1 },
  });
  env = {
    ORGWATCH_RESOLVE: RESOLVE,
    TEST_KEY: fx.id.privateKeyPem,
    PAGE_TOKEN: TOKEN,
    PAGE_SHARE_SECRET: SHARE_SECRET,
  };
  orgwatch = await startOrgwatch(fx.config, env);
  for (const o of ORGS) expect(await apiCheck(o.id)).toBe(202);
  await waitUntil("every org checked", async () => {
    const states = await Promise.all(
      ORGS.map((o) =>
        fetch(`${orgwatch.url}/api/v1/orgs/${o.id}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        }).then((r) => r.json() as Promise<{ state: string; incident: unknown }>),
      ),
    );
    return states.every((s) => s.state === "healthy" || s.incident !== null);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await fx?.close();
});

describe("status page in chromium", () => {
  let storage: Awaited<ReturnType<Awaited<ReturnType<Browser["newContext"]>>["storageState"]>>;

  it("logs in, filters by a cause, opens an org, checks it now", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${orgwatch.url}/`);
    await page.locator('input[name="token"]').fill(TOKEN);
    await shot(page, "01-login");
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${orgwatch.url}/`);
    await expect
      .poll(() => page.locator("#count-unhealthy b").textContent(), { timeout: 30_000 })
      .toBe("4");
    expect(await page.locator("#count-any b").textContent()).toBe("6");
    expect(await page.locator("#causes").textContent()).toContain(
      "The API is not enabled for the integration user",
    );
    await shot(page, "02-fleet");

    await page.locator('select[name="cause"]').selectOption("api_disabled");
    await page.locator("#filters button").click();
    await page.waitForURL(/cause=api_disabled/);
    const rows = page.locator("#orgs tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await page.locator("#orgs").textContent()).not.toContain("umbrella");
    await shot(page, "03-filtered-api-disabled");

    await page.locator("#orgs a", { hasText: "Globex Corporation" }).click();
    await page.waitForURL(/\/orgs\/globex$/);
    expect(await page.locator("#org-state").textContent()).toContain("api_disabled");
    expect(await page.locator("#fix-steps li").count()).toBeGreaterThan(0);
    expect(await page.locator("#fix-steps a").first().getAttribute("href")).toMatch(
      /^https?:\/\/globex\.my\.salesforce\.com[:/]/,
    );
    const before = await page.locator("#timeline tbody tr").count();
    await page.locator("#check-now").click();
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 30_000 })
      .toContain("202 Accepted");
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 60_000 })
      .toContain("Checked: unhealthy (api_disabled)");
    expect(await page.locator("#timeline tbody tr").count()).toBe(before + 1);
    await shot(page, "04-org-checked");

    // hooli's user may log in once an hour: its first check spent the budget.
    await page.goto(`${orgwatch.url}/orgs/hooli`);
    await page.locator("#check-now").click();
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 30_000 })
      .toMatch(/429 Too Many Requests: .*Retry after .* \(in \d+ min\)/);
    await shot(page, "05-org-budget-429");

    // A check already running (asked through the API, its token request held 6 s): 409, then
    // the page still shows that check's result.
    fx.sim.control.setFault("stark", "token", { kind: "slow", delayMs: 6000 });
    expect(await apiCheck("stark")).toBe(202);
    await page.goto(`${orgwatch.url}/orgs/stark`);
    await page.locator("#check-now").click();
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 30_000 })
      .toContain("409 Conflict");
    await shot(page, "06-org-running-409");
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 60_000 })
      .toContain("Checked: healthy");
    fx.sim.control.clearFaults("stark");
    storage = await context.storageState();
    const html = await page.content();
    for (const secret of [TOKEN, SHARE_SECRET, "PRIVATE KEY"]) expect(html).not.toContain(secret);
    await context.close();
  }, 180_000);

  it("fits a 390 px wide phone without horizontal scrolling", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      storageState: storage,
    });
    const page = await context.newPage();
    for (const [path, name] of [
      ["/orgs/umbrella", "07-phone-org"],
      ["/?state=any", "08-phone-fleet"],
    ] as const) {
      await page.goto(`${orgwatch.url}${path}`);
      const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
      expect(width, `${path} is ${String(width)} px wide`).toBeLessThanOrEqual(390);
      await shot(page, name);
    }
    await context.close();
  }, 180_000);

  it("a share link opens only its org, in a fresh context without the token", async () => {
    const { stdout } = await exec(
      process.execPath,
      ["bin/orgwatch.js", "share", "--config", fx.config, "--org", "umbrella", "--ttl", "1h"],
      { env: { ...process.env, ...env } },
    );
    const link = stdout.trim();
    expect(link).toMatch(new RegExp(`^${orgwatch.url}/share/umbrella\\.`));
    const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator("#org-state").textContent()).toContain("user_not_preauthorized");
    expect(await page.locator("header").textContent()).toContain("Shared view of umbrella");
    expect(await page.locator('a[href="./"]').count()).toBe(0);
    await page.locator("#check-now").click();
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 60_000 })
      .toContain("Checked: unhealthy (user_not_preauthorized)");
    await shot(page, "09-share-link");

    // The same browser, with the link's token in hand, gets nothing else.
    const token = link.split("/share/")[1] ?? "";
    const statuses = await page.evaluate(async (share) => {
      const h = { "x-orgwatch-share": share, "x-orgwatch-page": "1" };
      const post = (p: string) => fetch(p, { method: "POST", headers: h }).then((r) => r.status);
      const get = (p: string) => fetch(p, { headers: h }).then((r) => r.status);
      return {
        otherCheck: await post("/api/v1/orgs/globex/check"),
        ownStatus: await get("/api/v1/orgs/umbrella"),
        fleet: await get("/"),
        otherOrg: await get("/orgs/globex"),
      };
    }, token);
    expect(statuses).toEqual({ otherCheck: 403, ownStatus: 403, fleet: 401, otherOrg: 401 });
    await page.goto(`${orgwatch.url}/orgs/globex`);
    expect(await page.locator('input[name="token"]').count()).toBe(1);
    expect(await page.content()).not.toContain("api_disabled");
    await shot(page, "10-share-other-org-refused");
    await context.close();
  }, 180_000);
});
