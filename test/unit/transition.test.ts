import { describe, expect, it } from "vitest";
import type { CauseId } from "../../src/domain/causes.js";
import type { CheckResult } from "../../src/domain/result.js";
import type { HealthEvent } from "../../src/domain/incident.js";
import { initialState, type OrgState } from "../../src/domain/state.js";
import { applyPass } from "../../src/monitor/transition.js";

function pass(i: number, cause: CauseId | null, tokenOk = cause === null): CheckResult {
  const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
  return {
    checkId: `acme:${at}`,
    orgId: "acme",
    startedAt: at,
    finishedAt: at,
    healthy: cause === null,
    diagnosis: cause
      ? { cause, stage: "token", severity: "critical", transient: false, summary: "", fix: [] }
      : null,
    warnings: [],
    stages: [
      {
        stage: "token",
        ok: tokenOk,
        skipped: false,
        durationMs: 5,
        httpStatus: 200,
        errorCode: null,
      },
    ],
    facts: tokenOk
      ? {
          organizationId: "00D000000000001AAA",
          username: "u@acme.com",
          instanceUrl: "https://acme.my.salesforce.com",
        }
      : {},
    loginAttempted: true,
  };
}

function run(
  causes: (CauseId | null)[],
  thresholds = { failureThreshold: 2, successThreshold: 1, username: "u@acme.com" },
) {
  let state: OrgState = initialState("acme");
  const events: (HealthEvent | null)[] = [];
  const states: string[] = [];
  causes.forEach((cause, i) => {
    const { next, event } = applyPass(state, pass(i, cause), thresholds, "h1");
    state = next;
    events.push(event);
    states.push(next.state);
  });
  return { state, events, states };
}

describe("org state machine", () => {
  const table: [string, (CauseId | null)[], string[], (string | null)[]][] = [
    ["healthy from the start", [null, null], ["healthy", "healthy"], [null, null]],
    [
      "one failure is not an outage",
      [null, "network_error", null],
      ["healthy", "healthy", "healthy"],
      [null, null, null],
    ],
    [
      "two failures open",
      [null, "consumer_not_approved", "consumer_not_approved"],
      ["healthy", "healthy", "unhealthy"],
      [null, null, "opened:consumer_not_approved"],
    ],
    [
      "a success resolves",
      ["api_disabled", "api_disabled", null],
      ["unknown", "unhealthy", "healthy"],
      [null, "opened:api_disabled", "resolved:api_disabled"],
    ],
    [
      "a new cause while down updates the open incident",
      ["api_disabled", "api_disabled", "api_limit_exceeded"],
      ["unknown", "unhealthy", "unhealthy"],
      [null, "opened:api_disabled", "cause_changed:api_limit_exceeded"],
    ],
    [
      "alternating failures never open",
      ["api_disabled", null, "api_disabled", null],
      ["unknown", "healthy", "healthy", "healthy"],
      [null, null, null, null],
    ],
  ];
  for (const [name, causes, states, events] of table) {
    it(name, () => {
      const r = run(causes);
      expect(r.states).toEqual(states);
      expect(r.events.map((e) => (e ? `${e.kind}:${e.cause}` : null))).toEqual(events);
    });
  }

  it("success threshold holds recovery back", () => {
    const r = run(["api_disabled", null, null], {
      failureThreshold: 1,
      successThreshold: 2,
      username: "u@acme.com",
    });
    expect(r.states).toEqual(["unhealthy", "unhealthy", "healthy"]);
    expect(r.events.at(-1)).toEqual({
      kind: "resolved",
      incidentId: `acme:${pass(0, null).startedAt}`,
      cause: "api_disabled",
    });
  });

  it("remembers first and last token success and identity facts", () => {
    const r = run([null, "consumer_not_approved"]);
    expect(r.state.firstSuccessAt).toBe(pass(0, null).startedAt);
    expect(r.state.lastTokenSuccessAt).toBe(pass(0, null).startedAt);
    expect(r.state.lastHealthyAt).toBe(pass(0, null).startedAt);
    expect(r.state.firstSeenAt).toBe(pass(0, null).startedAt);
    expect(r.state.lastOrganizationId).toBe("00D000000000001AAA");
    expect(r.state.consecutiveFailures).toBe(1);
  });

  it("keeps the incident id through a cause change and clears it on resolve", () => {
    const r = run(["api_disabled", "api_disabled", "api_limit_exceeded", "api_limit_exceeded"]);
    const opened = r.events[1];
    const changed = r.events[2];
    expect(opened?.kind).toBe("opened");
    expect(changed).toEqual({
      kind: "cause_changed",
      incidentId: opened?.incidentId,
      from: "api_disabled",
      cause: "api_limit_exceeded",
    });
    expect(r.state.incidentId).toBe(opened?.incidentId);
    expect(r.state.stateSince).toBe(pass(1, null).startedAt);
    const healed = run(["api_disabled", "api_disabled", null]);
    expect(healed.state.incidentId).toBeNull();
  });

  it("a token that works while an API check fails is a token success, not a healthy pass", () => {
    // api_disabled: the token stage passes, REST fails. Before, one lastSuccessAt served both
    // meanings and the "last passed every check" metric stayed fresh for a broken org.
    const t = { failureThreshold: 1, successThreshold: 1, username: "u@acme.com" };
    const healthy = applyPass(initialState("acme"), pass(0, null), t, "h1").next;
    const apiDown = pass(1, "api_disabled", true);
    const after = applyPass(healthy, apiDown, t, "h1").next;
    expect(after.lastTokenSuccessAt).toBe(apiDown.startedAt);
    expect(after.lastHealthyAt).toBe(pass(0, null).startedAt);
  });

  it("notes a config change", () => {
    const first = applyPass(
      initialState("acme"),
      pass(0, null),
      { failureThreshold: 1, successThreshold: 1, username: "u@acme.com" },
      "h1",
    ).next;
    expect(first.configChangedAt).toBeNull();
    const second = applyPass(
      first,
      pass(1, null),
      { failureThreshold: 1, successThreshold: 1, username: "u@acme.com" },
      "h2",
    ).next;
    expect(second.configChangedAt).toBe(pass(1, null).startedAt);
  });
});

describe("the org id the configured username worked under", () => {
  it("is kept only from passes where the token belonged to the configured user", () => {
    const t = { failureThreshold: 1, successThreshold: 1, username: "U@acme.com" };
    const first = applyPass(initialState("acme"), pass(0, null), t, "h1").next;
    expect(first.usernameOrganizationId).toBe("00D000000000001AAA");
    const other = pass(1, null);
    other.facts = {
      ...other.facts,
      username: "someone@else.com",
      organizationId: "00D000000000002AAA",
    };
    const after = applyPass(first, other, t, "h1").next;
    expect(after.lastOrganizationId).toBe("00D000000000002AAA");
    expect(after.usernameOrganizationId).toBe("00D000000000001AAA");
  });
});
