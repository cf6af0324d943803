import { afterEach, describe, expect, it } from "vitest";
import { parseListen, startHttpServer, type HttpServer } from "../../src/http/server.js";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("http server", () => {
  it("serves /metrics in the Prometheus text format", async () => {
    const registry = createRegistry();
    createMetrics({ registry, perOrg: true, orgs: () => [] });
    server = await startHttpServer({ listen: "127.0.0.1:0", registry, ready: () => true });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await res.text()).toContain('orgwatch_checks_total{result="healthy"} 0');
  });

  it("answers /healthz always and /readyz only when ready", async () => {
    let ready = false;
    server = await startHttpServer({
      listen: "127.0.0.1:0",
      registry: createRegistry(),
      ready: () => ready,
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it("parses listen addresses and rejects bad ones", () => {
    expect(parseListen("127.0.0.1:9464")).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(parseListen(":9464")).toEqual({ host: "0.0.0.0", port: 9464 });
    expect(parseListen("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(() => parseListen("localhost")).toThrow(/host:port/);
    expect(() => parseListen("localhost:99999")).toThrow(/host:port/);
  });
});
