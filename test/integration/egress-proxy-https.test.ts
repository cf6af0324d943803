/**
 * Proxied HTTPS, as in production: `orgwatch check` (a real process) reaches
 * https://<org>.my.salesforce.com through HTTPS_PROXY with a CONNECT tunnel, and verifies the
 * server's certificate end to end. A TLS terminator on loopback (a certificate made at run time,
 * trusted through NODE_EXTRA_CA_CERTS) fronts the simulator.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { generateIdentity, type GeneratedIdentity } from "../../src/platform/keygen.js";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { startForwardProxy, type ForwardProxy } from "../helpers/forward-proxy.js";
import { orgwatchConfig, RESOLVE, simSpec, type FleetOrg } from "../helpers/fleet.js";
import { tempDir } from "../helpers/tmp.js";

const ORGS: FleetOrg[] = [{ id: "tls-org", scenario: "healthy" }];

let id: GeneratedIdentity;
let sim: Simulator;
let proxy: ForwardProxy;
let tls: Server;
let tmp: ReturnType<typeof tempDir>;
let config: string;
let caFile: string;
const served: string[] = [];

/** An https server that hands each request to the simulator, saying it came in over TLS. */
async function startTlsTerminator(site: GeneratedIdentity, upstreamPort: number): Promise<Server> {
  const server = createServer(
    { key: site.privateKeyPem, cert: site.certificatePem },
    (req, res) => {
      served.push(`${req.method ?? ""} ${req.headers.host ?? ""}${req.url ?? ""}`);
      const up = httpRequest(
        {
          host: "127.0.0.1",
          port: upstreamPort,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, "x-forwarded-proto": "https" },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on("error", () => res.destroy());
      req.pipe(up);
    },
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return server;
}

function check(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    [resolve("bin/orgwatch.js"), "check", "--json", "--config", config],
    {
      env: {
        PATH: process.env.PATH ?? "",
        ORGWATCH_RESOLVE: RESOLVE,
        TEST_KEY: id.privateKeyPem,
        HTTPS_PROXY: proxy.url,
        ...env,
      },
    },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((ok) => child.once("exit", (code) => ok({ code, out })));
}

beforeAll(async () => {
  id = generateIdentity();
  tmp = tempDir();
  sim = await startSimulator({ spec: simSpec(id, ORGS) });
  const site = generateIdentity({ commonName: "*.my.salesforce.com" });
  caFile = join(tmp.dir, "site.crt");
  writeFileSync(caFile, site.certificatePem);
  tls = await startTlsTerminator(site, sim.port);
  proxy = await startForwardProxy();
  const { port } = tls.address() as AddressInfo;
  const text = stringify(orgwatchConfig(ORGS, port, { storage: { sqlite: "./h.db" } }));
  config = join(tmp.dir, "orgwatch.yaml");
  writeFileSync(config, text.replaceAll("http://tls-org.", "https://tls-org."));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await new Promise((r) => tls?.close(r));
  await sim?.close();
  tmp?.cleanup();
});

describe("proxied HTTPS", () => {
  it("checks an https org through a CONNECT tunnel, verifying the server's certificate", async () => {
    const r = await check({ NODE_EXTRA_CA_CERTS: caFile });
    expect(r.code, r.out).toBe(0);
    const orgs = (JSON.parse(r.out) as { orgs: { id: string; healthy: boolean }[] }).orgs;
    expect(orgs.map((o) => [o.id, o.healthy])).toEqual([["tls-org", true]]);
    const { port } = tls.address() as AddressInfo;
    // Only tunnels: the proxy saw host and port, never a path, a header or a token.
    expect(proxy.seen.map((s) => s.method)).toEqual(proxy.seen.map(() => "CONNECT"));
    expect(proxy.seen.map((s) => s.target)).toContain(`tls-org.my.salesforce.com:${String(port)}`);
    expect(served.some((s) => s.startsWith("POST tls-org.my.salesforce.com"))).toBe(true);
    expect(served.some((s) => s.includes("/services/data/"))).toBe(true);
  });

  it("refuses a server whose certificate it does not trust", async () => {
    served.length = 0;
    const r = await check({});
    expect(r.code).not.toBe(0);
    const orgs = (JSON.parse(r.out) as { orgs: { id: string; healthy: boolean; cause: string }[] })
      .orgs;
    expect(orgs[0]).toMatchObject({ healthy: false, cause: "network_error" });
    // The on-call engineer reads what failed and how to trust an inspecting proxy's CA.
    expect(r.out).toMatch(/TLS failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(r.out).toContain("NODE_EXTRA_CA_CERTS=");
    // The TLS handshake failed: no request reached the server.
    expect(served).toEqual([]);
  });
});
