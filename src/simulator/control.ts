import { createHash, X509Certificate } from "node:crypto";
import { OrgwatchError } from "../platform/errors.js";
import { appPatchSchema, orgPatchSchema, parsePatch, userPatchSchema } from "./patches.js";
import { isScenarioId } from "./scenario-list.js";
import { setScenario } from "./scenarios.js";
import { faultSchema, FAULT_ENDPOINTS, type Fault, type FaultEndpoint } from "./spec.js";
import { defaultPropagationMs } from "./ids.js";
import {
  effectiveApp,
  findOrg,
  myDomainHost,
  orgNow,
  type LoginCounter,
  type SimOrg,
  type SimState,
} from "./state.js";

/** Login and API counters of one org, failures included. */
export interface OrgCounters {
  logins: {
    total: number;
    failures: number;
    thisHour: number;
    byUser: Record<string, { thisHour: number; total: number; failures: number }>;
  };
  api: { used: number; max: number; calls: number };
}

/** Operations that drive the simulator's state at run time (also served under `/__sim`). */
export interface SimControl {
  /** The whole state, certificates as fingerprints only. */
  state(): StateView;
  /** Simulated now (epoch ms). */
  now(): number;
  /** Moves simulated time forward; returns the new now. */
  advanceClock(ms: number): number;
  /** Resets the org to its SIMFILE entry, then applies one of SCENARIOS (a ScenarioId). */
  setScenario(org: string, scenario: string): void;
  /** Changes org fields; `patch` is validated as an OrgPatch. */
  patchOrg(org: string, patch: unknown): void;
  /**
   * Changes the org's app; `patch` is validated as an AppPatch (incl. `certificate` PEM). Token
   * requests see the old app until the change has propagated (the app's propagation window).
   */
  patchApp(org: string, patch: unknown): void;
  /** Changes one user; `patch` is validated as a UserPatch (incl. a `username` rename). */
  patchUser(org: string, username: string, patch: unknown): void;
  /** Switches a Fault on for a FaultEndpoint (kind `none` = off); org `*` = every org and unknown callers. */
  setFault(org: string, endpoint: string, fault: unknown): void;
  clearFaults(org: string): void;
  setApiUsage(org: string, usage: { used?: number; max?: number }): void;
  counters(org: string): OrgCounters;
  /** Kills every session of the org (as a password reset or app revoke would). */
  revokeSessions(org: string): void;
}

/** The JSON the control API returns for `GET /__sim/state`. */
export interface StateView {
  now: number;
  globalFaults: Partial<Record<FaultEndpoint, Fault>>;
  orgs: Record<string, unknown>[];
}

function need(state: SimState, key: string): SimOrg {
  const org = findOrg(state, key);
  if (!org) throw new OrgwatchError("USAGE", `no org "${key}"`);
  return org;
}

function viewOrg(state: SimState, org: SimOrg): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...org };
  delete rest["logins"];
  delete rest["appChange"];
  const policy: Record<string, unknown> = { ...org.app };
  delete policy["secret"];
  delete policy["certificatePem"];
  const sha256 = createHash("sha256")
    .update(new X509Certificate(org.app.certificatePem).raw)
    .digest("hex");
  return {
    ...rest,
    appChangedAt: org.appChange === null ? null : new Date(org.appChange.at).toISOString(),
    myDomainHost: myDomainHost(org),
    app: { ...policy, certificateSha256: sha256 },
    counters: counters(state, org),
  };
}

function counters(state: SimState, org: SimOrg): OrgCounters {
  const hour = Math.floor(state.clock.now() / 3_600_000);
  const thisHour = (c: LoginCounter) => (c.hour === hour ? c.thisHour : 0);
  const byUser: OrgCounters["logins"]["byUser"] = {};
  let total = 0;
  for (const [name, c] of org.logins.byUser) {
    byUser[name] = { thisHour: thisHour(c), total: c.total, failures: c.failures };
    total += thisHour(c);
  }
  return {
    logins: { total: org.logins.total, failures: org.logins.failures, thisHour: total, byUser },
    api: { used: org.apiUsed, max: org.apiMax, calls: org.apiCalls },
  };
}

function checkedPem(pem: string): string {
  try {
    return new X509Certificate(pem).toString();
  } catch {
    throw new OrgwatchError("USAGE", "certificate: not an X.509 PEM certificate");
  }
}

function endpointOf(value: string): FaultEndpoint {
  const found = FAULT_ENDPOINTS.find((e) => e === value);
  if (!found)
    throw new OrgwatchError("USAGE", `endpoint must be one of ${FAULT_ENDPOINTS.join(", ")}`);
  return found;
}

/** Builds the control operations over a state. */
export function createControl(state: SimState): SimControl {
  return {
    state: () => ({
      now: state.clock.now(),
      globalFaults: state.globalFaults,
      orgs: state.orgs.map((o) => viewOrg(state, o)),
    }),
    now: () => state.clock.now(),
    advanceClock: (ms) => {
      if (!Number.isFinite(ms) || ms < 0)
        throw new OrgwatchError("USAGE", "ms must be a number >= 0");
      state.clock.advance(ms);
      return state.clock.now();
    },
    setScenario: (key, scenario) => {
      if (!isScenarioId(scenario))
        throw new OrgwatchError("USAGE", `unknown scenario "${scenario}"`);
      setScenario(state, need(state, key), scenario);
    },
    patchOrg: (key, patch) => {
      Object.assign(need(state, key), parsePatch(orgPatchSchema, patch));
    },
    patchApp: (key, patch) => {
      const org = need(state, key);
      const { certificate, ...rest } = parsePatch(appPatchSchema, patch);
      // the old app keeps answering until the change has propagated (errors.md D.4)
      const now = orgNow(state, org);
      const window = org.app.propagation ?? defaultPropagationMs(org.id);
      org.appChange = { before: structuredClone(effectiveApp(org, now, window)), at: now };
      if (certificate !== undefined) org.app.certificatePem = checkedPem(certificate);
      Object.assign(org.app, rest);
    },
    patchUser: (key, username, patch) => {
      const user = need(state, key).users.find((u) => u.username === username);
      if (!user) throw new OrgwatchError("USAGE", `no user "${username}" in org "${key}"`);
      Object.assign(user, parsePatch(userPatchSchema, patch));
    },
    setFault: (key, endpoint, fault) => {
      const target = key === "*" ? state.globalFaults : need(state, key).faults;
      target[endpointOf(endpoint)] = parsePatch(faultSchema, fault);
    },
    clearFaults: (key) => {
      if (key === "*") state.globalFaults = {};
      else need(state, key).faults = {};
    },
    setApiUsage: (key, usage) => {
      const org = need(state, key);
      if (usage.used !== undefined) org.apiUsed = usage.used;
      if (usage.max !== undefined) org.apiMax = usage.max;
    },
    counters: (key) => counters(state, need(state, key)),
    revokeSessions: (key) => {
      need(state, key).sessionEpoch += 1;
    },
  };
}
