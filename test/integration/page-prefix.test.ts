/**
 * The status page behind a reverse proxy that serves it under a path prefix and strips it
 * (nginx `location /orgwatch/ { proxy_pass http://orgwatch:9464/; }`), with `server.publicUrl`
 * naming that prefix: in a real browser, sign in, open an org from the fleet, check it now, sign
 * out, and open a share link; every step stays under the prefix.
 */
import { execFile } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { freePort } from "../helpers/prometheus.js";
import { runFixture, type RunFixture } from "../helpers/run-fixture.js";
import { ensureBinaries } from "../helpers/system.js";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "prefix-test-token-0123456789";
const SHARE_SECRET = "prefix-test-share-secret-0123456789abcdef";
const PREFIX = "/orgwatch";
const ORGS: FleetOrg[] = [
  { id: "acme", scenario: "healthy", config: { name: "Acme" } },
  { id: "globex", scenario: "api_disabled", config: { name: "Globex" } },
];

let fx: RunFixture;
let orgwatch: OrgwatchProcess;
let browser: Browser;
let proxy: Server;
let site: string;
let env: Record<string, string>;
const seen: string[] = [];
const exec = promisify(execFile);

/** Forwards `/orgwatch/...` to orgwatch as `/...`; anything else is a 404 of the proxy's own. */
function startProxy(port: number, upstream: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    seen.push(`${req.method ?? "GET"} ${url}`);
    if (!url.startsWith(`${PREFIX}/`)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not under the prefix");
      return;
    }
    const up = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: url.slice(PREFIX.length),
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  ensureBinaries(["chromium"]);
  const proxyPort = await freePort();
  site = `http://127.0.0.1:${String(proxyPort)}${PREFIX}`;
  fx = await runFixture(ORGS, {
    server: {
      apiToken: "${PAGE_TOKEN}",
      publicUrl: site,
      shareSecret: "${PAGE_SHARE_SECRET}",
    },
    defaults: { interval: "1h", failureThreshold: 1 },
  });
  env = {
    ORGWATCH_RESOLVE: RESOLVE,
    TEST_KEY: fx.id.privateKeyPem,
    PAGE_TOKEN: TOKEN,
    PAGE_SHARE_SECRET: SHARE_SECRET,
  };
  orgwatch = await startOrgwatch(fx.config, env);
  proxy = await startProxy(proxyPort, new URL(orgwatch.url));
  // The first checks are spread over the hour: ask for both now.
  for (const o of ORGS) {
    const res = await fetch(`${orgwatch.url}/api/v1/orgs/${o.id}/check`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(202);
  }
  await waitUntil("both orgs checked", async () => {
    const res = await fetch(`${orgwatch.url}/api/v1/summary`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = (await res.json()) as { byState: Record<string, number> };
    return (body.byState.unknown ?? 0) === 0;
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => proxy?.close(r));
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await fx?.close();
});

describe("status page under a path prefix", () => {
  it("signs in, opens an org, checks it now, signs out and opens a share link under the prefix", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/`);
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${site}/`);
    await page.locator("#count-any").click();
    await page.waitForURL(`${site}/?state=any`);
    await page.locator("#orgs a", { hasText: "Globex" }).click();
    await page.waitForURL(`${site}/orgs/globex`);
    await page.locator("#check-now").click();
    await expect
      .poll(() => page.locator("#check-result").textContent(), { timeout: 60_000 })
      .toContain("Checked: unhealthy (api_disabled)");
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.path)).toEqual([`${PREFIX}/`]);
    await page.locator("header a").click();
    await page.waitForURL(`${site}/`);
    await page.locator("header button", { hasText: "Sign out" }).click();
    await page.waitForURL(`${site}/login`);
    await context.close();

    const { stdout } = await exec(
      process.execPath,
      ["bin/orgwatch.js", "share", "--config", fx.config, "--org", "acme", "--ttl", "1h"],
      { env: { ...process.env, ...env } },
    );
    const shared = await browser.newContext();
    const view = await shared.newPage();
    await view.goto(stdout.trim());
    await view.locator("#check-now").click();
    await expect
      .poll(() => view.locator("#check-result").textContent(), { timeout: 60_000 })
      .toContain("Checked: healthy");
    await shared.close();

    // Everything the browser asked for went through the prefix; nothing fell off it.
    expect(seen.filter((s) => !s.split(" ")[1]?.startsWith(`${PREFIX}/`))).toEqual([]);
    expect(seen).toContain(`POST ${PREFIX}/api/v1/orgs/globex/check`);
    expect(seen).toContain(`POST ${PREFIX}/logout`);
  }, 120_000);
});
