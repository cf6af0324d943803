import { stringify } from "yaml";
import { loadConfigTree } from "../../src/config/load.js";
import type { OrgTarget } from "../../src/config/target.js";
import { pinnedLookup, createHttpSend } from "../../src/platform/http.js";
import type { GeneratedIdentity } from "../../src/platform/keygen.js";
import { SalesforceClient } from "../../src/salesforce/client.js";
import type { SimSpecInput } from "../../src/simulator/index.js";

/**
 * The DNS pins: every *.salesforce.com name goes to the simulator on loopback, and the names of
 * its `unresolvable_instance` fault resolve to nothing (ENOTFOUND, no DNS server asked).
 */
export const RESOLVE = "*.salesforce.com=127.0.0.1,*.unreplicated.my.salesforce.com=";

/** One org of a test fleet: simulator side and orgwatch side. */
export interface FleetOrg {
  id: string;
  scenario: string;
  sandbox?: boolean;
  /** Extra orgwatch config fields for this org. */
  config?: Record<string, unknown>;
  /** Extra simulator fields for this org. */
  sim?: Record<string, unknown>;
}

/** The My Domain name the simulator serves an org under. */
export function domainOf(org: FleetOrg): string {
  return org.sandbox ? `${org.id}--dev` : org.id;
}

/** The login URL orgwatch uses for an org: its My Domain, on the simulator's port. */
export function loginUrlOf(org: FleetOrg, port: number): string {
  const host = org.sandbox
    ? `${domainOf(org)}.sandbox.my.salesforce.com`
    : `${domainOf(org)}.my.salesforce.com`;
  return `http://${host}:${port}`;
}

/** A simulator spec with one app (the identity's certificate) and these orgs. */
export function simSpec(id: GeneratedIdentity, orgs: FleetOrg[]): SimSpecInput {
  return {
    apps: [{ clientId: "3MVG9test", certificate: id.certificatePem }],
    orgs: orgs.map((o) => ({
      id: o.id,
      myDomain: domainOf(o),
      sandbox: o.sandbox ?? false,
      app: "3MVG9test",
      users: [{ username: `integration@${o.id}.example` }],
      scenario: o.scenario,
      ...o.sim,
    })) as SimSpecInput["orgs"],
  };
}

/** The orgwatch config tree for the same orgs. */
export function orgwatchConfig(
  orgs: FleetOrg[],
  port: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    defaults: { timeout: "2s" },
    ...extra,
    orgs: orgs.map((o) => ({
      id: o.id,
      loginUrl: loginUrlOf(o, port),
      clientId: "3MVG9test",
      username: `integration@${o.id}.example`,
      privateKey: "${TEST_KEY}",
      ...o.config,
    })),
  };
}

/** Loads the orgwatch targets for a fleet, failing on any config problem. */
export function targetsFor(
  id: GeneratedIdentity,
  orgs: FleetOrg[],
  port: number,
  extra: Record<string, unknown> = {},
): OrgTarget[] {
  const config = loadConfigTree(orgwatchConfig(orgs, port, extra), {
    file: "/tmp/orgwatch-test.yaml",
    env: { TEST_KEY: id.privateKeyPem },
  });
  // an unusable key keeps the org configured (it reports key_invalid), so it is no test error
  const bad = config.problems.filter((p) => p.effect !== "warning" && p.effect !== "key");
  if (bad.length > 0) throw new Error(bad.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return config.orgs;
}

/** The YAML text of an orgwatch config for a fleet (key from ${TEST_KEY}). */
export function orgwatchYaml(
  orgs: FleetOrg[],
  port: number,
  extra: Record<string, unknown> = {},
): string {
  return stringify(orgwatchConfig(orgs, port, extra));
}

/** The wire client with DNS pinned to the simulator. */
export function pinnedClient(): SalesforceClient {
  const lookup = pinnedLookup(RESOLVE);
  return new SalesforceClient(createHttpSend(lookup ? { lookup } : {}));
}

/** A clock shared by the simulator and orgwatch, moved by tests. */
export class TestClock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}
