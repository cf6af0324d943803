/**
 * Every /api/v1 route against a real `orgwatch run` fed by the simulator, with a webhook peer on
 * loopback: auth on (and off, in a second process), bad input, pagination, the org detail,
 * the summary, the OpenAPI document and silences that hold an alert back until expired.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgwatchYaml, RESOLVE, type FleetOrg } from "../helpers/fleet.js";
import { startHttpSink, type HttpSink } from "../helpers/http-sink.js";
import { startOrgwatch, waitUntil, type OrgwatchProcess } from "../helpers/orgwatch-process.js";
import { runFixture, type RunFixture } from "../helpers/run-fixture.js";

const TOKEN = "api-v1-token-0123456789abcdef";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PAGED = Array.from({ length: 10 }, (_, i) => `p-${String(i).padStart(2, "0")}`);
const ORGS: FleetOrg[] = [
  ...PAGED.map((id, i) => ({
    id,
    scenario: "healthy",
    config: { name: `Pager ${String(i)}`, tags: i % 2 === 0 ? ["eu"] : [] },
  })),
  { id: "x-api", scenario: "api_disabled", config: { name: "Acme Widgets", tags: ["eu"] } },
  { id: "x-sil", scenario: "healthy" },
  { id: "x-ctl", scenario: "healthy" },
  { id: "x-tight", scenario: "healthy", config: { loginBudgetPerHour: 1 } },
];
const ALL = ORGS.map((o) => o.id).sort();

let fx: RunFixture;
let sink: HttpSink;
let orgwatch: OrgwatchProcess;

type Json = Record<string, unknown>;
async function call(method: string, path: string, opts: { headers?: Json; body?: unknown } = {}) {
  const headers: Record<string, string> = { ...AUTH, ...(opts.headers as Record<string, string>) };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${orgwatch.url}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text || "{}") as Json };
}
const get = (path: string) => call("GET", path);

/** The kinds of webhook messages that named an org. */
const sent = (org: string): string[] =>
  sink.requests
    .map((r) => JSON.parse(r.raw.toString()) as { kind: string; orgs: { id: string }[] })
    .filter((b) => b.orgs.some((o) => o.id === org))
    .map((b) => b.kind);

beforeAll(async () => {
  sink = await startHttpSink();
  fx = await runFixture(ORGS, {
    server: { listen: "127.0.0.1:0", apiToken: TOKEN },
    defaults: { interval: "1h", timeout: "5s", failureThreshold: 1 },
    alerting: { groupWait: "1s", updateInterval: "1s" },
    notifiers: [{ name: "hooks", kind: "webhook", url: sink.url }],
  });
  orgwatch = await startOrgwatch(fx.config, {
    ORGWATCH_RESOLVE: RESOLVE,
    TEST_KEY: fx.id.privateKeyPem,
  });
}, 60_000);

afterAll(async () => {
  if (orgwatch && orgwatch.child.exitCode === null) await orgwatch.stop("SIGKILL");
  await sink?.close();
  await fx?.close();
});

describe("auth", () => {
  const ROUTES = [
    ["GET", "/api/v1/orgs"],
    ["GET", "/api/v1/orgs/x-api"],
    ["POST", "/api/v1/orgs/x-api/check"],
    ["GET", "/api/v1/summary"],
    ["GET", "/api/v1/silences"],
    ["POST", "/api/v1/silences"],
    ["DELETE", "/api/v1/silences/any"],
    ["GET", "/api/v1/openapi.json"],
    ["GET", "/metrics"],
  ] as const;

  it("every route but /healthz and /readyz needs the bearer token, which is never echoed", async () => {
    for (const [method, path] of ROUTES) {
      const none = await fetch(`${orgwatch.url}${path}`, { method });
      expect([path, none.status]).toEqual([path, 401]);
      const wrong = await fetch(`${orgwatch.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      });
      expect([path, wrong.status]).toEqual([path, 401]);
      expect(await wrong.text()).not.toContain(TOKEN.slice(0, 12));
    }
    for (const path of ["/healthz", "/readyz"]) {
      expect((await fetch(`${orgwatch.url}${path}`)).status).toBe(200);
    }
    expect((await fetch(`${orgwatch.url}/metrics`, { headers: AUTH })).status).toBe(200);
    expect(orgwatch.output()).not.toContain(TOKEN);
  });
});

describe("orgs, summary, detail", () => {
  it("pages through every org in id order with an opaque cursor, the total on each page", async () => {
    const seen: string[] = [];
    let path = "/api/v1/orgs?limit=4";
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(ALL.length);
      seen.push(...(page.body.items as { id: string }[]).map((o) => o.id));
      const cursor = page.body.nextCursor as string | null;
      if (cursor === null) break;
      expect(cursor).not.toMatch(/p-|x-/);
      path = `/api/v1/orgs?limit=4&cursor=${encodeURIComponent(cursor)}`;
    }
    expect(seen).toEqual(ALL);
  });

  it("filters by tag, text, state and cause", async () => {
    const ids = async (query: string): Promise<string[]> => {
      const r = await get(`/api/v1/orgs?${query}`);
      expect(r.status).toBe(200);
      return (r.body.items as { id: string }[]).map((o) => o.id);
    };
    expect(await ids("tag=eu")).toEqual(["p-00", "p-02", "p-04", "p-06", "p-08", "x-api"]);
    expect(await ids("text=acme")).toEqual(["x-api"]);
    expect(await ids("text=pager%203")).toEqual(["p-03"]);
    expect((await call("POST", "/api/v1/orgs/x-api/check")).status).toBe(202);
    await waitUntil("x-api unhealthy", async () => (await ids("cause=api_disabled")).length === 1);
    expect(await ids("state=unhealthy&tag=eu")).toEqual(["x-api"]);
    expect(await ids("state=unhealthy&tag=nope")).toEqual([]);
    const item = (await get("/api/v1/orgs?cause=api_disabled")).body.items as Json[];
    expect(Object.keys(item[0] ?? {}).sort()).toEqual(
      ["cause", "id", "lastCheckAt", "name", "nextCheckAt", "since", "state", "tags"].sort(),
    );
  });

  it("the summary counts by state and cause", async () => {
    await waitUntil("x-api counted", async () => {
      const r = await get("/api/v1/summary");
      return (r.body.byState as Json).unhealthy === 1;
    });
    const s = (await get("/api/v1/summary")).body;
    const byState = s.byState as Record<string, number>;
    expect(s.total).toBe(ALL.length);
    expect(byState.unknown! + byState.healthy! + byState.unhealthy!).toBe(ALL.length);
    expect(s.byCause).toEqual([{ cause: "api_disabled", count: 1 }]);
  });

  it("one org: recent checks, incidents and the fix steps with the org's Setup links", async () => {
    const d = await waitUntil("x-api's incident committed", async () => {
      const r = await get("/api/v1/orgs/x-api");
      return r.body.incident !== null && (r.body.recentChecks as unknown[]).length > 0
        ? r.body
        : null;
    });
    expect(d).toMatchObject({ id: "x-api", state: "unhealthy", cause: "api_disabled" });
    expect(d.incidents).toEqual([
      expect.objectContaining({ cause: "api_disabled", closedAt: null }),
    ]);
    expect((d.recentChecks as Json[])[0]).toMatchObject({ healthy: false, cause: "api_disabled" });
    const fix = d.fix as { owner: string; steps: { text: string; links: Json[] }[] };
    expect(fix.owner).toBe("customer");
    expect(fix.steps.length).toBeGreaterThan(0);
    const links = fix.steps.flatMap((s) => s.links);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.label).not.toMatch(/^https?:/);
      expect(link.url).toMatch(/^https:\/\/x-api\.my\.salesforce\.com(:\d+)?\/lightning\/setup\//);
    }
    // The fix names the integration user (whoever fixes it needs to know which); nothing else
    // of the settings, and no secret, leaves the server.
    expect(JSON.stringify(d)).not.toMatch(/BEGIN|PRIVATE|access_token|configHash|3MVG9/i);
    const status = Object.entries(d).filter(([k]) => k !== "fix" && k !== "recentChecks");
    expect(JSON.stringify(status)).not.toMatch(/integration@/);
    expect((await get("/api/v1/orgs/p-01")).body.fix).toBeNull();
  });
});

describe("bad input", () => {
  it("answers 400 naming the field", async () => {
    const cases: [string, string, unknown, string][] = [
      ["GET", "/api/v1/orgs?state=broken", undefined, "state"],
      ["GET", "/api/v1/orgs?cause=nope", undefined, "cause"],
      ["GET", "/api/v1/orgs?limit=0", undefined, "limit"],
      ["GET", "/api/v1/orgs?limit=ten", undefined, "limit"],
      ["GET", "/api/v1/orgs?stat=unhealthy", undefined, "stat"],
      ["GET", "/api/v1/orgs?text=---", undefined, "text"],
      ["GET", "/api/v1/orgs?cursor=bm90LW91cnM", undefined, "cursor"],
      ["GET", "/api/v1/orgs/Not%20An%20Id", undefined, "id"],
      ["POST", "/api/v1/orgs/BAD!/check", undefined, "id"],
      ["POST", "/api/v1/silences", { createdBy: "me", comment: "x", duration: "1h" }, "match"],
      [
        "POST",
        "/api/v1/silences",
        { match: {}, createdBy: "me", comment: "x", duration: "1h" },
        "match",
      ],
      [
        "POST",
        "/api/v1/silences",
        { match: { causes: ["nope"] }, createdBy: "me", comment: "x", duration: "1h" },
        "match.causes.0",
      ],
      [
        "POST",
        "/api/v1/silences",
        { match: { orgs: ["x-sil"] }, createdBy: "me", comment: "x", duration: "forever" },
        "duration",
      ],
      [
        "POST",
        "/api/v1/silences",
        { match: { orgs: ["x-sil"] }, createdBy: "me", comment: "x" },
        "endsAt",
      ],
      [
        "POST",
        "/api/v1/silences",
        {
          match: { orgs: ["x-sil"] },
          createdBy: "me",
          comment: "x",
          endsAt: "2001-01-01T00:00:00Z",
        },
        "endsAt",
      ],
      [
        "POST",
        "/api/v1/silences",
        { match: { orgs: ["x-sil"] }, comment: "x", duration: "1h" },
        "createdBy",
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await call(method, path, body === undefined ? {} : { body });
      expect([path, r.status, r.body.field]).toEqual([path, 400, field]);
      expect(String(r.body.error)).toMatch(new RegExp(`^${field.replace(/\./g, "\\.")}: `));
      expect(r.text).not.toMatch(/\n\s+at /);
    }
    const json = await fetch(`${orgwatch.url}/api/v1/silences`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: "{not json",
    });
    expect(json.status).toBe(400);
    expect((await get("/api/v1/orgs/nope")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/silences/nope")).status).toBe(404);
  });
});

describe("the OpenAPI document", () => {
  it("describes every route with the schemas the server validates with", async () => {
    const doc = (await get("/api/v1/openapi.json")).body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.keys(m).map((k) => `${k} ${p}`),
    );
    expect(ops.sort()).toEqual(
      [
        "get /api/v1/orgs",
        "get /api/v1/orgs/{id}",
        "post /api/v1/orgs/{id}/check",
        "get /api/v1/summary",
        "get /api/v1/silences",
        "post /api/v1/silences",
        "delete /api/v1/silences/{id}",
        "get /api/v1/openapi.json",
      ].sort(),
    );
    expect(Object.keys(doc.paths["/api/v1/orgs/{id}/check"]!.post!.responses).sort()).toEqual([
      "202",
      "400",
      "404",
      "409",
      "429",
    ]);
  });
});

describe("silences", () => {
  it("a silenced org's incident sends nothing; expiring the silence lets the open out", async () => {
    const created = await call("POST", "/api/v1/silences", {
      body: {
        match: { orgs: ["x-sil"] },
        duration: "2h",
        createdBy: "ops@example.com",
        comment: "migration",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "active", createdBy: "ops@example.com" });
    const silenceId = String(created.body.id);
    const listed = (await get("/api/v1/silences")).body.items as Json[];
    expect(listed.map((s) => s.id)).toContain(silenceId);

    fx.sim.control.setScenario("x-sil", "org_inactive");
    expect((await call("POST", "/api/v1/orgs/x-sil/check")).status).toBe(202);
    await waitUntil(
      "x-sil's incident",
      async () => (await get("/api/v1/orgs/x-sil")).body.incident,
    );
    // A control org failing after it: once its open is out, the engine has decided x-sil's
    // thread past its group wait too (threads are read from the outbox in order).
    fx.sim.control.setScenario("x-ctl", "ip_restricted");
    expect((await call("POST", "/api/v1/orgs/x-ctl/check")).status).toBe(202);
    await waitUntil("x-ctl's open", () => sent("x-ctl").includes("open"));
    expect(sent("x-sil")).toEqual([]);

    const expired = await call("DELETE", `/api/v1/silences/${silenceId}`);
    expect(expired.status).toBe(200);
    expect(expired.body.status).toBe("expired");
    await waitUntil("x-sil's open after the silence", () => sent("x-sil").includes("open"));
    expect(sent("x-sil")).toEqual(["open"]);
    const after = (await get("/api/v1/silences")).body.items as Json[];
    expect(after.find((s) => s.id === silenceId)).toMatchObject({ status: "expired" });
  }, 60_000);
});

describe("check now", () => {
  it("409 while the org's check runs, 429 with Retry-After when its user's budget is spent", async () => {
    fx.sim.control.setFault("p-05", "token", { kind: "slow", delayMs: 1500 });
    expect((await call("POST", "/api/v1/orgs/p-05/check")).status).toBe(202);
    const busy = await call("POST", "/api/v1/orgs/p-05/check");
    expect(busy.status).toBe(409);
    expect(busy.body.error).toContain("already running");
    expect((await call("POST", "/api/v1/orgs/x-tight/check")).status).toBe(202);
    await waitUntil("x-tight checked", async () => {
      const r = await get("/api/v1/orgs/x-tight");
      return r.body.state === "healthy";
    });
    const spent = await call("POST", "/api/v1/orgs/x-tight/check");
    expect(spent.status).toBe(429);
    expect(spent.body.error).toMatch(/login budget/);
    const retry = Number(spent.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(3000);
    expect(retry).toBeLessThanOrEqual(3601);
  });
});

describe("without server.apiToken", () => {
  it("answers loopback callers without a token", async () => {
    const config = join(fx.dir, "open.yaml");
    writeFileSync(
      config,
      orgwatchYaml(ORGS, fx.sim.port, {
        server: { listen: "127.0.0.1:0" },
        storage: { sqlite: "./open.db" },
        defaults: { interval: "1h" },
      }),
    );
    const open = await startOrgwatch(config, {
      ORGWATCH_RESOLVE: RESOLVE,
      TEST_KEY: fx.id.privateKeyPem,
    });
    try {
      for (const path of [
        "/api/v1/summary",
        "/api/v1/orgs?limit=2",
        "/api/v1/silences",
        "/metrics",
      ]) {
        expect([path, (await fetch(`${open.url}${path}`)).status]).toEqual([path, 200]);
      }
    } finally {
      await open.stop("SIGKILL");
    }
  });
});
