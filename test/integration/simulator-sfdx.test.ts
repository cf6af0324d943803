import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/simulator/index.js";
import { simIdentity, simOrg } from "../helpers/sim.js";
import { tempDir } from "../helpers/tmp.js";
import type * as SfCoreModule from "@salesforce/core";
import type * as Dns from "node:dns";

// Type-only: erased at run time, so the package still loads lazily after HOME is set.
type SfCore = typeof SfCoreModule;

let sim: Simulator;
let tmp: ReturnType<typeof tempDir>;
let keyFile: string;
let core: SfCore;

/**
 * sfdx-core tries up to 11 (login host, aud) pairs, some on https://login.salesforce.com and
 * https://test.salesforce.com. Those names are pinned to loopback (port 443, where nothing
 * listens) so a failing login never reaches the real Salesforce.
 */
function pinSalesforceDns(): void {
  const dns = createRequire(import.meta.url)("node:dns") as typeof Dns;
  const original = dns.lookup;
  const pinned = (host: string, options: unknown, callback?: unknown): void => {
    const cb = (typeof options === "function" ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === "object" && options !== null ? options : {}) as {
      all?: boolean;
    };
    if (!/(^|\.)salesforce\.com$/.test(host)) {
      (original as (...args: unknown[]) => void)(host, options, callback);
      return;
    }
    if (opts.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
    else cb(null, "127.0.0.1", 4);
  };
  // util.promisify(dns.lookup) (sfdx-core's DNS check) resolves to { address, family }
  Object.defineProperty(pinned, promisify.custom, {
    value: (host: string, options?: object) =>
      /(^|\.)salesforce\.com$/.test(host)
        ? Promise.resolve({ address: "127.0.0.1", family: 4 })
        : dns.promises.lookup(host, options ?? {}),
  });
  (dns as { lookup: unknown }).lookup = pinned;
}

beforeAll(async () => {
  tmp = tempDir("orgwatch-sfdx-");
  const id = simIdentity();
  keyFile = join(tmp.dir, "server.key");
  writeFileSync(keyFile, id.privateKeyPem);
  process.env["HOME"] = tmp.dir;
  process.env["SF_USE_GENERIC_UNIX_KEYCHAIN"] = "true";
  process.env["SFDX_USE_GENERIC_UNIX_KEYCHAIN"] = "true";
  process.env["SF_DISABLE_LOG_FILE"] = "true";
  process.env["SF_DISABLE_TELEMETRY"] = "true";
  process.env["SF_DOMAIN_RETRY"] = "1";
  pinSalesforceDns();
  core = await import("@salesforce/core");
  sim = await startSimulator({
    spec: {
      apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }],
      orgs: [
        simOrg("acme"),
        simOrg("sandy", { sandbox: true, users: [{ username: "integration@sandy.com" }] }),
        simOrg("noapp", { scenario: "app_not_installed" }),
      ],
    },
  });
});
afterAll(async () => {
  await sim.close();
  tmp.cleanup();
});

const login = (username: string) =>
  core.AuthInfo.create({
    username,
    oauth2Options: { clientId: "3MVG9test", privateKeyFile: keyFile, loginUrl: sim.url },
  });

describe("@salesforce/core 8.31.3 against the simulator", () => {
  it("AuthInfo.create logs in with JWT and the connection queries", async () => {
    const authInfo = await login("integration@acme.com");
    const fields = authInfo.getFields();
    expect(fields.instanceUrl).toBe(sim.url);
    expect(fields.orgId).toMatch(/^00D/);
    const conn = await core.Connection.create({ authInfo });
    const res = await conn.query<{ Id: string }>("SELECT Id FROM Organization LIMIT 1");
    expect(res.records[0]?.Id).toBe(fields.orgId);
    // its first attempt (aud = the login URL it was given, i.e. the org's own address) succeeds
    expect(sim.control.counters("acme").logins).toMatchObject({ total: 1, failures: 0 });
  });

  it("a sandbox login also works (sfdx-core's own Organization query sees IsSandbox)", async () => {
    const authInfo = await login("integration@sandy.com");
    const conn = await core.Connection.create({ authInfo });
    const org = await conn.singleRecordQuery<{ IsSandbox: boolean }>(
      "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization",
    );
    expect(org.IsSandbox).toBe(true);
  });

  it("a broken org surfaces the reference's description in sfdx-core's joined error", async () => {
    let message = "";
    try {
      await login("integration@noapp.com");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("Error authenticating with JWT.");
    expect(message).toContain("External client app is not installed in this org");
    // every (host, aud) pair sent to the simulator counts as a login, failures included
    const logins = sim.control.counters("noapp").logins;
    expect(logins.failures).toBe(logins.total);
    expect(logins.total).toBeGreaterThanOrEqual(2);
  });
});
