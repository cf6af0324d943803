import { request } from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  acceptsGzip,
  parseListen,
  startHttpServer,
  type HttpServer,
} from "../../src/http/server.js";
import { createMetrics, createRegistry } from "../../src/metrics/index.js";
import { view } from "../helpers/metrics.js";

/** A raw GET (fetch would decompress on its own): status, headers and the body's bytes. */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers["content-encoding"],
          body: Buffer.concat(parts),
        });
      });
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

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

  it("gzips /metrics for a scraper that accepts it, and the text is the same", async () => {
    const registry = createRegistry();
    const orgs = Array.from({ length: 5_000 }, (_, i) => view(`org-${i}`));
    createMetrics({ registry, perOrg: true, orgs: () => orgs });
    server = await startHttpServer({ listen: "127.0.0.1:0", registry, ready: () => true });
    const text = await registry.metrics();
    expect(text).toContain('orgwatch_org_up{org="org-4999"} 1');

    const zipped = await get(`${server.url}/metrics`, { "accept-encoding": "gzip" });
    expect(zipped.status).toBe(200);
    expect(zipped.encoding).toBe("gzip");
    expect((await promisify(gunzip)(zipped.body)).toString("utf8")).toBe(text);
    expect(zipped.body.length).toBeLessThan(text.length / 10);

    const plain = await get(`${server.url}/metrics`, {});
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString("utf8")).toBe(text);
  });

  it("reads Accept-Encoding: gzip unless refused with q=0", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("deflate, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
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
