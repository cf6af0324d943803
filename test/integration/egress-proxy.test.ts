/**
 * Egress proxies: every Salesforce call of `orgwatch check` goes through HTTP(S)_PROXY (either
 * case), NO_PROXY hosts go direct, and the proxied sender keeps the node:http sender's promises
 * (no redirect followed, one deadline, capped body) against real servers on loopback.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { createUndiciSend } from "../../src/platform/http-proxy.js";
import { HttpFailure } from "../../src/platform/http.js";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { startForwardProxy, type ForwardProxy } from "../helpers/forward-proxy.js";
import { orgwatchConfig, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

const ORGS: FleetOrg[] = [
  { id: "via-proxy", scenario: "healthy" },
  { id: "bypass", scenario: "healthy" },
];

let id: GeneratedIdentity;
let sim: Simulator;
let proxy: ForwardProxy;
let tmp: ReturnType<typeof tempDir>;
let config: string;
let peer: Server;
let peerUrl = "";

async function check(env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(["node", "orgwatch", "check", "--json", "--config", config], {
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    env: { ORGWATCH_RESOLVE: RESOLVE, TEST_KEY: id.privateKeyPem, ...env },
  });
  return { code, out };
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  proxy = await startForwardProxy();
  config = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(
    config,
    stringify(orgwatchConfig(ORGS, sim.port, { storage: { sqlite: "./h.db" } })),
  );
  peer = createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "/elsewhere" }).end();
    } else if (req.url === "/big") {
      res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(200_000));
    } else if (req.url === "/hang") {
      res.writeHead(200).write("partial");
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    }
  });
  await new Promise<void>((ok) => peer.listen(0, "127.0.0.1", ok));
  peerUrl = `http://peer.example.com:${String((peer.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  peer.closeAllConnections();
  await new Promise((ok) => peer.close(ok));
  await proxy.close();
  await sim.close();
  tmp.cleanup();
});

describe("orgwatch check through an egress proxy", () => {
  it("sends every Salesforce call of a proxied org through HTTP_PROXY; NO_PROXY goes direct", async () => {
    proxy.seen.length = 0;
    const r = await check({ HTTP_PROXY: proxy.url, NO_PROXY: "bypass.my.salesforce.com" });
    expect(r.code, r.out).toBe(0);
    const orgs = (JSON.parse(r.out) as { orgs: { id: string; healthy: boolean }[] }).orgs;
    expect(orgs.map((o) => [o.id, o.healthy])).toEqual([
      ["via-proxy", true],
      ["bypass", true],
    ]);
    const hosts = proxy.hosts();
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(["via-proxy.my.salesforce.com"]));
  });

  it("exits as soon as the pass is done when run as a process (no socket holds it open)", async () => {
    proxy.seen.length = 0;
    const child = spawn(
      process.execPath,
      [resolve("bin/orgwatch.js"), "check", "--org", "via-proxy", "--config", config],
      {
        env: {
          PATH: process.env.PATH ?? "",
          ORGWATCH_RESOLVE: RESOLVE,
          TEST_KEY: id.privateKeyPem,
          HTTPS_PROXY: proxy.url,
          HTTP_PROXY: proxy.url,
        },
        stdio: "ignore",
      },
    );
    const code = await new Promise<number | null>((ok) => child.once("exit", ok));
    expect(code).toBe(0);
    expect(proxy.hosts()).toContain("via-proxy.my.salesforce.com");
  });

  it("reads the lowercase names too, and without them sends nothing to the proxy", async () => {
    proxy.seen.length = 0;
    expect((await check({})).code).toBe(0);
    expect(proxy.seen).toEqual([]);
    const r = await check({ http_proxy: proxy.url, no_proxy: ".example" });
    expect(r.code, r.out).toBe(0);
    expect(new Set(proxy.hosts())).toEqual(
      new Set(["via-proxy.my.salesforce.com", "bypass.my.salesforce.com"]),
    );
  });
});

describe("the proxied sender keeps the sender's promises", () => {
  const send = () =>
    createUndiciSend({ proxy: { httpProxy: proxy.url, httpsProxy: "", noProxy: "" } });

  it("returns a redirect as it is, through the proxy", async () => {
    proxy.seen.length = 0;
    const res = await send()({ method: "GET", url: `${peerUrl}/redirect`, timeoutMs: 5000 });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/elsewhere");
    expect(proxy.hosts()).toEqual(["peer.example.com"]);
  });

  it("cuts the body at the cap", async () => {
    const res = await send()({
      method: "GET",
      url: `${peerUrl}/big`,
      timeoutMs: 5000,
      maxBytes: 1000,
    });
    expect(res).toMatchObject({ status: 200, truncated: true });
    expect(res.body.length).toBe(1000);
  });

  it("gives up at the deadline, and when the pass's signal aborts", async () => {
    const late = send()({ method: "GET", url: `${peerUrl}/hang`, timeoutMs: 300 });
    await expect(late).rejects.toMatchObject({ kind: "timeout", networkCode: "ETIMEDOUT" });
    await expect(late).rejects.toBeInstanceOf(HttpFailure);
    const abort = new AbortController();
    const aborted = send()({
      method: "GET",
      url: `${peerUrl}/hang`,
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 50);
    await expect(aborted).rejects.toMatchObject({ kind: "timeout", networkCode: "ABORTED" });
  });

  it("says which connection failed, without the request", async () => {
    const refused = createUndiciSend({
      proxy: { httpProxy: "http://127.0.0.1:1", httpsProxy: "", noProxy: "" },
    });
    await expect(
      refused({ method: "GET", url: `${peerUrl}/`, timeoutMs: 5000 }),
    ).rejects.toMatchObject({ kind: "network", networkCode: "ECONNREFUSED" });
  });
});
