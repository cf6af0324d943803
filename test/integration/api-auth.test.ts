/**
 * The auth hook on the real server, API and monitor wiring (a real fleet, SQLite store and
 * scheduler), driven by fastify's inject so a caller's address can be a non-loopback one.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildApiMonitor } from "../../src/commands/run-api.js";
import { registerApi } from "../../src/http/api.js";
import { buildHttpApp } from "../../src/http/server.js";
import { createRegistry } from "../../src/metrics/index.js";
import { Fleet } from "../../src/monitor/fleet.js";
import { ManualClock } from "../../src/platform/clock.js";
import { createLogger } from "../../src/platform/logger.js";
import { InProcessScheduler } from "../../src/scheduler/inprocess.js";
import type { SqliteHistoryStore } from "../../src/store/index.js";
import { tempStore } from "../helpers/store.js";
import { targetOf } from "../helpers/targets.js";

const TOKEN = "auth-hook-token-0123456789";
let store: SqliteHistoryStore;
let cleanup: () => void;
let lines: string[];

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  lines = [];
});
afterEach(() => {
  cleanup();
});

function app(apiToken: string | null) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const fleet = new Fleet();
  fleet.add(targetOf("acme"));
  // Never started: these tests only read; check-now is covered against a running process.
  const idle = (): Promise<number> => Promise.resolve(0);
  const scheduler = new InProcessScheduler({
    concurrency: 1,
    clock,
    handlers: { "check-org": idle, maintain: idle },
  });
  const logger = createLogger({ level: "debug", destination: { write: (l) => lines.push(l) } });
  return buildHttpApp({
    registry: createRegistry(),
    ready: () => true,
    logger,
    routes: (a) => {
      registerApi(a, { monitor: buildApiMonitor({ fleet, store, scheduler, clock }), apiToken });
      // A route that proves its caller itself (as Slack's interactions will).
      a.post("/slack/own", { config: { auth: "own" } }, (_req, reply) => reply.send({ ok: 1 }));
    },
  });
}

describe("without server.apiToken", () => {
  it("the API answers loopback callers only; /metrics and the probes stay open", async () => {
    const a = app(null);
    const from = (remoteAddress: string, url: string) => a.inject({ url, remoteAddress });
    expect((await from("127.0.0.1", "/api/v1/summary")).statusCode).toBe(200);
    expect((await from("::1", "/api/v1/orgs/acme")).statusCode).toBe(200);
    const remote = await from("10.1.2.3", "/api/v1/summary");
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toEqual({
      error: "the API answers loopback callers only; set server.apiToken to use it remotely",
    });
    expect((await from("10.1.2.3", "/api/v1/openapi.json")).statusCode).toBe(403);
    expect((await from("10.1.2.3", "/metrics")).statusCode).toBe(200);
    expect((await from("10.1.2.3", "/healthz")).statusCode).toBe(200);
    await a.close();
  });
});

describe("with server.apiToken", () => {
  it("one hook covers every route, /metrics too, but the probes and own-auth routes", async () => {
    const a = app(TOKEN);
    const call = (url: string, authorization?: string, method: "GET" | "POST" = "GET") =>
      a.inject({
        url,
        method,
        remoteAddress: "10.1.2.3",
        headers: authorization ? { authorization } : {},
      });
    for (const url of ["/api/v1/summary", "/api/v1/orgs", "/metrics", "/no-such-route"]) {
      expect([url, (await call(url)).statusCode]).toEqual([url, 401]);
      expect([url, (await call(url, `Bearer ${TOKEN}x`)).statusCode]).toEqual([url, 401]);
      expect([url, (await call(url, TOKEN)).statusCode]).toEqual([url, 401]);
    }
    expect((await call("/api/v1/summary", `Bearer ${TOKEN}`)).statusCode).toBe(200);
    expect((await call("/metrics", `Bearer ${TOKEN}`)).statusCode).toBe(200);
    expect((await call("/no-such-route", `Bearer ${TOKEN}`)).statusCode).toBe(404);
    expect((await call("/healthz")).statusCode).toBe(200);
    expect((await call("/readyz")).statusCode).toBe(200);
    expect((await call("/slack/own", undefined, "POST")).statusCode).toBe(200);
    await a.close();
  });

  it("never logs the token: requests, errors and the logger's redact paths", async () => {
    const a = app(TOKEN);
    await a.inject({ url: "/api/v1/orgs?limit=0", headers: { authorization: `Bearer ${TOKEN}` } });
    await a.inject({ url: "/api/v1/summary", headers: { authorization: `Bearer ${TOKEN}x` } });
    a.log.warn({ req: { headers: { authorization: `Bearer ${TOKEN}` } } }, "a request");
    a.log.warn({ headers: { authorization: `Bearer ${TOKEN}` }, authorization: TOKEN }, "headers");
    await a.close();
    expect(lines.join("\n")).toContain("<secret>");
    expect(lines.join("\n")).not.toContain(TOKEN);
  });
});
