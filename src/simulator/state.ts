import { randomBytes } from "node:crypto";
import type { Clock } from "../platform/clock.js";
import { makeId } from "./ids.js";
import type { AppPolicy, Fault, FaultEndpoint, OrgSpec, SimSpec, UserSpec } from "./spec.js";

/** A user as the simulator holds it: the spec fields plus its 005 id. */
export interface SimUser extends UserSpec {
  userId: string;
}

/** The app as installed in one org: policy, consumer key and the certificate it verifies with. */
export interface SimApp extends AppPolicy {
  clientId: string;
  certificatePem: string;
  /** Signs `signature` of token responses (the consumer secret's role). */
  secret: Buffer;
}

/** Login counters for one username in one org. */
export interface LoginCounter {
  hour: number;
  thisHour: number;
  total: number;
  failures: number;
}

/** One org's whole state. */
export interface SimOrg extends Omit<OrgSpec, "users" | "appPolicy" | "app" | "faults"> {
  orgId: string;
  users: SimUser[];
  app: SimApp;
  faults: Partial<Record<FaultEndpoint, Fault>>;
  /** Counted API calls served (not refused) since start. */
  apiCalls: number;
  logins: { total: number; failures: number; byUser: Map<string, LoginCounter> };
  /** Bumped when all sessions are revoked; sessions of an older epoch are dead. */
  sessionEpoch: number;
  /**
   * The app as it was before the last change through the control API, and when that change was
   * made: until it has propagated, token requests still see the old app (errors.md D.4).
   */
  appChange: { before: SimApp; at: number } | null;
}

/** Simulated time: an injected clock plus explicit advances. */
export class SimClock implements Clock {
  #advanced = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.#advanced;
  }

  advance(ms: number): void {
    this.#advanced += ms;
  }
}

/** Everything the simulator knows; routes and the control API share one instance. */
export interface SimState {
  clock: SimClock;
  orgs: SimOrg[];
  /** Faults for requests no org could be found for (and defaults for all orgs). */
  globalFaults: Partial<Record<FaultEndpoint, Fault>>;
  nextSerial: { org: number; user: number };
  /** Each org's SIMFILE entry and app certificate, to reset to when a scenario is set. */
  baselines: Map<string, { spec: OrgSpec; certificatePem: string }>;
  /** Issued access tokens → their session. */
  sessions: Map<string, Session>;
}

/** One issued access token. */
export interface Session {
  orgKey: string;
  orgId: string;
  userId: string;
  epoch: number;
  jwt: boolean;
  scopes: string[];
  issuedAt: number;
  lastUsedAt: number;
}

/** Builds the app record an org holds from a certificate and its policy. */
export function makeApp(clientId: string, certificatePem: string, policy: AppPolicy): SimApp {
  return {
    ...structuredClone(policy),
    clientId,
    certificatePem,
    secret: randomBytes(32),
  };
}

/** Makes a user record with a fresh 005 id. */
export function makeUser(state: SimState, spec: UserSpec): SimUser {
  return { ...structuredClone(spec), userId: makeId("005", ++state.nextSerial.user) };
}

/** Builds the state for a validated spec (scenarios are applied by the caller). */
export function buildState(spec: SimSpec, clock: Clock): SimState {
  const state: SimState = {
    clock: new SimClock(clock),
    orgs: [],
    globalFaults: {},
    nextSerial: { org: 0, user: 0 },
    baselines: new Map(),
    sessions: new Map(),
  };
  for (const o of spec.orgs) {
    const cert = spec.apps.find((a) => a.clientId === o.app)?.certificatePem ?? "";
    const { users, appPolicy, app, faults, ...rest } = o;
    state.baselines.set(o.id, {
      spec: structuredClone({ ...o, scenario: "healthy" }),
      certificatePem: cert,
    });
    state.orgs.push({
      ...structuredClone(rest),
      orgId: makeId("00D", ++state.nextSerial.org),
      users: users.map((u) => makeUser(state, u)),
      app: makeApp(app, cert, appPolicy),
      faults: structuredClone(faults),
      apiCalls: 0,
      logins: { total: 0, failures: 0, byUser: new Map() },
      sessionEpoch: 0,
      appChange: null,
    });
  }
  return state;
}

/** The org's own notion of now (its clock may run ahead of the client's). */
export function orgNow(state: SimState, org: SimOrg): number {
  return state.clock.now() + org.clockOffsetMs;
}

/** The org's My Domain host, e.g. acme.my.salesforce.com or acme--dev.sandbox.my.salesforce.com. */
export function myDomainHost(org: Pick<SimOrg, "myDomain" | "sandbox" | "sandboxName">): string {
  if (!org.sandbox) return `${org.myDomain}.my.salesforce.com`;
  const name = org.myDomain.includes("--") ? org.myDomain : `${org.myDomain}--${org.sandboxName}`;
  return `${name}.sandbox.my.salesforce.com`;
}

/** The app a token request sees now: the one before the last change while that propagates. */
export function effectiveApp(org: SimOrg, now: number, windowMs: number): SimApp {
  const change = org.appChange;
  return change !== null && now < change.at + windowMs ? change.before : org.app;
}

/** Finds an org by its SIMFILE id. */
export function findOrg(state: SimState, key: string): SimOrg | undefined {
  return state.orgs.find((o) => o.id === key);
}
