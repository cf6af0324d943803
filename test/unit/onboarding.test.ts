import { describe, expect, it } from "vitest";
import { linksFor } from "../../src/classify/index.js";
import type { OrgContext } from "../../src/classify/index.js";
import { CAUSE_IDS, type CauseId } from "../../src/domain/causes.js";
import { EMPTY_HISTORY } from "../../src/domain/history.js";
import {
  causePath,
  defaultAppKind,
  onboardingPlan,
  orgKindOf,
  progressOf,
  STEP_IDS,
  STEP_OF_CAUSE,
  type AppKind,
  type Observation,
} from "../../src/monitor/onboarding.js";
import { MINUTE, NOW, org } from "./classify.fixtures.js";

function planFor(over: Partial<OrgContext> = {}, kind: AppKind = "external_client_app") {
  const o = org(over);
  return onboardingPlan(o, kind, linksFor(o, EMPTY_HISTORY));
}

const PLAN = planFor();

/** Observations one minute apart, ending at NOW. */
function seen(...causes: (CauseId | null)[]): Observation[] {
  return causes.map((cause, i) => ({ cause, at: NOW - (causes.length - 1 - i) * MINUTE }));
}

/** The step states as one string: d = done, C = current, . = pending. */
function marks(history: Observation[]): string {
  const code = { done: "d", current: "C", pending: "." } as const;
  return progressOf(PLAN, history)
    .steps.map((s) => code[s.state])
    .join("");
}

describe("the step model: observed causes → step states", () => {
  it.each<[string, (CauseId | null)[], string, string | null]>([
    ["nothing checked yet", [], "..........", "key"],
    ["the key does not load", ["key_invalid"], "C.........", "key"],
    ["app unknown", ["client_id_invalid"], "dC........", "app"],
    ["key and certificate do not match", ["invalid_assertion"], "ddC.......", "certificate"],
    ["wrong audience", ["audience_invalid"], "dddC......", "host"],
    ["ECA through a generic host", ["my_domain_required"], "dddC......", "host"],
    ["user renamed", ["user_not_found"], "ddddC.....", "user"],
    ["not installed", ["app_not_installed"], "dddddC....", "install"],
    ["IP restricted", ["ip_restricted"], "ddddddC...", "policies"],
    ["not pre-authorized", ["user_not_preauthorized"], "dddddddC..", "preauthorize"],
    ["API disabled", ["api_disabled"], "ddddddddC.", "api"],
    ["a retired API version", ["api_version_unsupported"], "dddddddddC", "verify"],
    ["healthy", [null], "dddddddddd", null],
    [
      "the whole way",
      ["client_id_invalid", "app_propagating", "user_not_preauthorized", "api_disabled", null],
      "dddddddddd",
      null,
    ],
    [
      "a propagating policy keeps the step reached",
      ["user_not_preauthorized", "app_propagating"],
      "dddddddC..",
      "preauthorize",
    ],
    ["a new app propagating", ["app_propagating"], "dC........", "app"],
    [
      "an outage keeps the last step",
      ["api_disabled", "salesforce_unavailable"],
      "ddddddddC.",
      "api",
    ],
    ["an outage first: the first unproven step", ["network_error"], "dC........", "app"],
    ["a regression goes back", ["api_disabled", "invalid_assertion"], "ddC.......", "certificate"],
    ["healthy, then broken", [null, "user_not_preauthorized"], "dddddddC..", "preauthorize"],
  ])("%s", (_name, causes, expected, current) => {
    const history = seen(...causes);
    expect(marks(history)).toBe(expected);
    expect(progressOf(PLAN, history).current).toBe(current);
  });

  it("waits (nothing to fix) only while Salesforce propagates", () => {
    expect(progressOf(PLAN, seen("app_propagating")).waiting).toBe(true);
    expect(progressOf(PLAN, seen("app_propagating", "client_id_invalid")).waiting).toBe(false);
  });

  it("past the app step, a propagating answer may also be a step not done: its how-to stays shown", () => {
    const p = progressOf(PLAN, seen("user_not_preauthorized", "app_propagating"));
    expect(p.waiting).toBe(true);
    expect(p.note).toMatch(
      /a change made in the last 15 minutes may still be on its way .* Not yet\? Do it now/,
    );
    expect(p.todo).toEqual(PLAN.steps.find((s) => s.id === "preauthorize")?.how);
    expect(progressOf(PLAN, seen("app_propagating")).todo).toEqual([]);
  });

  it("names an interruption that is not a setup step", () => {
    const p = progressOf(PLAN, seen("user_not_preauthorized", "network_error"));
    expect(p.interruption).toBe("network_error");
    expect(p.note).toBeNull();
    expect(progressOf(PLAN, seen("user_not_preauthorized")).interruption).toBeNull();
  });

  it("counts the propagation wait and says it calmly", () => {
    const waiting = [
      { cause: "app_propagating" as const, at: NOW - 3 * MINUTE },
      { cause: "app_propagating" as const, at: NOW },
    ];
    expect(progressOf(PLAN, waiting).note).toMatch(
      /takes 2 to 10 minutes, 3 minutes so far\. Nothing to change/,
    );
  });

  it("allows for the window after a change, then says the setting is still missing", () => {
    const at = (min: number): Observation => ({
      cause: "user_not_preauthorized",
      at: NOW + min * MINUTE,
    });
    expect(progressOf(PLAN, [at(0), at(9)]).note).toMatch(
      /^Just made this change\? Salesforce takes 2 to 10 minutes/,
    );
    expect(progressOf(PLAN, [at(0), at(11)]).note).toMatch(
      /^Unchanged for 11 minutes, longer than Salesforce's 2 to 10 minutes/,
    );
    // a setting outside the app does not propagate
    expect(progressOf(PLAN, seen("api_disabled")).note).toBeNull();
  });

  it("maps every cause (the table is checked by the compiler) and reaches every step", () => {
    expect(Object.keys(STEP_OF_CAUSE).sort()).toEqual([...CAUSE_IDS].sort());
    const reached = new Set(Object.values(STEP_OF_CAUSE).filter((s) => s !== null));
    expect(STEP_IDS.filter((s) => !reached.has(s))).toEqual([]);
  });

  it("collapses repeats into the path of causes", () => {
    expect(
      causePath(seen("client_id_invalid", "app_propagating", "app_propagating", null)),
    ).toEqual(["client_id_invalid", "app_propagating", null]);
  });
});

describe("the checklist per app kind and org kind", () => {
  it("lists the steps in Salesforce's order with this org's Setup links", () => {
    expect(PLAN.steps.map((s) => s.id)).toEqual([...STEP_IDS]);
    const app = PLAN.steps.find((s) => s.id === "preauthorize")?.how.join("\n") ?? "";
    expect(app).toContain(
      "https://acme--dev.sandbox.my.salesforce.com/lightning/setup/PermSets/home",
    );
    expect(app).toContain('move "Orgwatch_Integration" to Selected');
  });

  it("an External Client App takes the My Domain as host and audience; a derived one is flagged", () => {
    const p = planFor({ appId: null, appOrgId: null });
    expect(p.tokenHost).toBe("https://acme--dev.sandbox.my.salesforce.com");
    expect(p.audience).toBe("https://acme--dev.sandbox.my.salesforce.com");
    expect(p.warnings.join("\n")).toMatch(
      /audience of acme-dev is https:\/\/test.salesforce.com \(derived\): set audience: https:\/\/acme--dev/,
    );
    const fine = planFor({
      appId: null,
      appOrgId: null,
      audience: "https://acme--dev.sandbox.my.salesforce.com",
    });
    expect(fine.warnings).toEqual([]);
  });

  it("an External Client App through login.salesforce.com is flagged", () => {
    const p = planFor({
      loginUrl: "https://login.salesforce.com",
      myDomainUrl: null,
      sandbox: false,
      audience: "https://login.salesforce.com",
    });
    expect(p.warnings[0]).toMatch(
      /loginUrl of acme-dev is https:\/\/login.salesforce.com: an External Client App takes only the org's My Domain/,
    );
  });

  it.each<[string, Partial<OrgContext>, string, string]>([
    ["sandbox", {}, "sandbox", "https://test.salesforce.com"],
    [
      "production",
      {
        sandbox: false,
        loginUrl: "https://acme.my.salesforce.com",
        myDomainUrl: "https://acme.my.salesforce.com",
      },
      "production",
      "https://login.salesforce.com",
    ],
    [
      "Developer Edition",
      {
        sandbox: false,
        loginUrl: "https://acme-dev-ed.develop.my.salesforce.com",
        myDomainUrl: "https://acme-dev-ed.develop.my.salesforce.com",
      },
      "developer",
      "https://login.salesforce.com",
    ],
  ])("a Connected App in a %s takes the generic audience", (_n, over, kind, aud) => {
    const p = planFor(over, "connected_app");
    expect(p.orgKind).toBe(kind);
    expect(orgKindOf(org(over))).toBe(kind);
    expect(p.audience).toBe(aud);
  });

  it("a Connected App with its My Domain as audience is flagged", () => {
    const p = planFor({ audience: "https://acme--dev.sandbox.my.salesforce.com" }, "connected_app");
    expect(p.warnings[0]).toMatch(
      /takes https:\/\/test.salesforce.com \(it answers "audience is invalid"/,
    );
  });

  it("an app owned by another org is installed through its 0Ci link", () => {
    const install = planFor({}, "connected_app").steps.find((s) => s.id === "install");
    expect(install?.how[0]).toContain(
      "https://acme--dev.sandbox.my.salesforce.com/identity/app/AppInstallApprovalPage.apexp?app_id=0CiXX0000000001&app_org_id=00DXX0000000001",
    );
    const local = planFor({ appId: null, appOrgId: null }).steps.find((s) => s.id === "install");
    expect(local?.how[0]).toMatch(/^An app created in this org is installed already/);
  });

  it("picks the app kind from the entry: a 0Ci id belongs to a Connected App", () => {
    expect(defaultAppKind(org())).toBe("connected_app");
    expect(defaultAppKind(org({ appId: null }))).toBe("external_client_app");
  });

  it("words each app kind's own Setup pages", () => {
    const eca = planFor({ appId: null, appOrgId: null }).steps.find((s) => s.id === "app");
    const ca = planFor({ appId: null, appOrgId: null }, "connected_app").steps.find(
      (s) => s.id === "app",
    );
    expect(eca?.title).toBe("Create the External Client App and copy its Consumer Key");
    expect(eca?.how.join(" ")).toContain("ManageExternalClientApplication");
    expect(ca?.title).toBe("Create the Connected App and copy its Consumer Key");
    expect(ca?.how.join(" ")).toContain("Manage Consumer Details");
  });
});
