/**
 * The fleet page over a real Fleet, fleet-query and a SQLite history, through fastify's inject:
 * pagination, filters, bad query values, escaping, and who may see it without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApiMonitor } from "../../src/commands/run-api.js";
import { registerApi } from "../../src/http/api.js";
import { signShare } from "../../src/http/page-auth.js";
import { registerPage } from "../../src/http/page.js";
import { buildHttpApp } from "../../src/http/server.js";
import { createRegistry } from "../../src/metrics/index.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { InProcessScheduler } from "../../src/scheduler/inprocess.js";
import { openStore, type SqliteHistoryStore } from "../../src/store/index.js";
import { stateOf, targetOf } from "../helpers/targets.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const SECRET = "fleet-page-share-secret-0123456789abcdef";
const EVIL = `<img src=x onerror="alert(1)">`;

let tmp: ReturnType<typeof tempDir>;
let store: SqliteHistoryStore;
let app: FastifyInstance;

/** 120 orgs: 70 unhealthy (50 key_invalid, 20 api_disabled), 40 healthy, 10 never checked. */
function fleetOf(): Fleet {
  const fleet = new Fleet();
  for (let i = 0; i < 120; i += 1) {
    const id = `org-${String(i).padStart(3, "0")}`;
    const name = i === 7 ? EVIL : `Customer ${String(i)}`;
    const state =
      i < 50
        ? stateOf(id, "unhealthy", "key_invalid")
        : i < 70
          ? stateOf(id, "unhealthy", "api_disabled")
          : i < 110
            ? stateOf(id, "healthy")
            : null;
    fleet.add(targetOf(id, { name }), state);
  }
  return fleet;
}

beforeAll(async () => {
  tmp = tempDir();
  store = openStore(`${tmp.dir}/page.db`);
  const fleet = fleetOf();
  // A real scheduler that is never started: check-now is queued and nothing runs.
  const scheduler = new InProcessScheduler({
    concurrency: 1,
    clock: { now: () => NOW },
    handlers: { "check-org": () => Promise.resolve(NOW), maintain: () => Promise.resolve(NOW) },
  });
  for (const entry of fleet.values()) {
    scheduler.schedule({ name: "check-org", id: entry.target.id }, NOW + 3_600_000);
  }
  const monitor = buildApiMonitor({ fleet, store, scheduler, clock: { now: () => NOW } });
  app = buildHttpApp({
    registry: createRegistry(),
    ready: () => true,
    routes: (a) => {
      registerApi(a, { monitor, apiToken: null, shareSecret: SECRET, now: () => NOW });
      registerPage(a, {
        source: {
          org: (id) => monitor.org(id),
          summary: () => monitor.summary(),
          list: (q) => monitor.orgs(q),
        },
        apiToken: null,
        secureCookie: false,
        basePath: "/",
        now: () => NOW,
      });
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  store?.close();
  tmp?.cleanup();
});

async function page(url: string, remoteAddress = "127.0.0.1") {
  const res = await app.inject({ url, remoteAddress });
  // Whitespace between and inside tags is layout only: compare the text flattened.
  const text = res.body.replace(/\s+>/g, ">").replace(/>\s+</g, "><").replace(/\s+/g, " ");
  return { status: res.statusCode, text };
}

const rowsOf = (text: string): string[] =>
  [...text.matchAll(/<a href="orgs\/(org-\d{3})">/g)].map((m) => m[1] ?? "");

describe("fleet page", () => {
  it("counts by state and cause, with the cause's title", async () => {
    const { status, text } = await page("/");
    expect(status).toBe(200);
    expect(text).toMatch(/id="count-any"><b>120<\/b>/);
    expect(text).toMatch(/id="count-unhealthy"><b>70<\/b>/);
    expect(text).toMatch(/id="count-unknown"><b>10<\/b>/);
    expect(text).toContain("The monitor cannot use its private key");
  });

  it("pages through the unhealthy orgs 50 at a time", async () => {
    const first = await page("/");
    const ids = rowsOf(first.text);
    expect(ids).toHaveLength(50);
    expect(first.text).toContain("50 shown of 70 matching");
    const next = /id="next-page" href="([^"]+)"/.exec(first.text)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeDefined();
    // Page links are relative to the page's <base href> ("/" here).
    const second = await page(new URL(next ?? "", "http://page.test/").href.slice(16));
    const more = rowsOf(second.text);
    expect(more).toHaveLength(20);
    expect(new Set([...ids, ...more]).size).toBe(70);
    expect(second.text).not.toContain('id="next-page"');
    expect(second.text).toContain(">First page</a>");
  });

  it("filters by cause, state and text, and says which value it ignored", async () => {
    const api = await page("/?cause=api_disabled");
    expect(rowsOf(api.text)).toHaveLength(20);
    expect(rowsOf(api.text).every((id) => Number(id.slice(4)) >= 50)).toBe(true);
    const text = await page("/?state=any&q=customer+112");
    expect(rowsOf(text.text)).toEqual(["org-112"]);
    const bad = await page("/?cause=nope&state=sideways&cursor=zzz");
    expect(bad.status).toBe(200);
    expect(bad.text).toContain("Ignored: cause &quot;nope&quot; is not a cause id.");
    expect(bad.text).toContain("Ignored: state &quot;sideways&quot; is not a state.");
    expect(bad.text).toContain("Ignored: that page link is stale; showing the first page.");
    expect(rowsOf(bad.text)).toHaveLength(50);
  });

  it("escapes what the config says (an org's name) on both pages", async () => {
    for (const url of ["/", "/orgs/org-007"]) {
      const { text } = await page(url);
      expect(text).not.toContain(EVIL);
      expect(text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    }
  });
});

describe("without server.apiToken", () => {
  it("answers loopback callers only, but a share link from anywhere", async () => {
    expect((await page("/", "10.1.2.3")).status).toBe(403);
    expect((await page("/orgs/org-001", "10.1.2.3")).status).toBe(403);
    const token = signShare("org-001", NOW + 3_600_000, SECRET);
    const shared = await page(`/share/${token}`, "10.1.2.3");
    expect(shared.status).toBe(200);
    expect(shared.text).toContain("key_invalid");
    const check = await app.inject({
      method: "POST",
      url: "/api/v1/orgs/org-001/check",
      remoteAddress: "10.1.2.3",
      headers: { "x-orgwatch-share": token },
    });
    expect(check.statusCode).toBe(202);
    const other = await app.inject({
      method: "POST",
      url: "/api/v1/orgs/org-002/check",
      remoteAddress: "10.1.2.3",
      headers: { "x-orgwatch-share": token },
    });
    expect(other.statusCode).toBe(403);
    expect((await page("/orgs/nope")).status).toBe(404);
  });
});
