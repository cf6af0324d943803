import { describe, expect, it } from "vitest";
import { EMPTY_HISTORY } from "../../src/domain/index.js";
import {
  APP_PROPAGATION_WINDOW_MS,
  APPROVAL_AGE_MIN_MS,
  classify,
  sandboxName,
  toFailure,
} from "../../src/classify/index.js";
import type { OrgContext } from "../../src/classify/index.js";
import type { OrgHistory } from "../../src/domain/index.js";
import { ago, DAY, inputFor, MINUTE, NOW, tokenError } from "./classify.fixtures.js";

const NOT_APPROVED = tokenError("invalid_grant", "user hasn't approved this consumer");
const BAD_CLIENT = tokenError("invalid_client_id", "client identifier invalid");

function notApproved(org: Partial<OrgContext> = {}, history: Partial<OrgHistory> = {}) {
  return classify(inputFor({ stage: "token", evidence: NOT_APPROVED, org, history })).diagnosis;
}

function badClient(org: Partial<OrgContext> = {}, history: Partial<OrgHistory> = {}) {
  return classify(inputFor({ stage: "token", evidence: BAD_CLIENT, org, history })).diagnosis;
}

describe("user hasn't approved this consumer: three causes by history", () => {
  const worked = { firstSuccessAt: ago(40 * DAY), lastSuccessAt: ago(MINUTE * 10) };

  it("never worked → consumer_not_approved", () => {
    expect(notApproved({}, EMPTY_HISTORY)?.cause).toBe("consumer_not_approved");
  });

  it("worked for weeks with the same config → approval_aged_out", () => {
    const d = notApproved({}, worked);
    expect(d?.cause).toBe("approval_aged_out");
    expect(d?.summary).toContain(worked.firstSuccessAt.slice(0, 10));
  });

  it("config changed after the first success → consumer_not_approved", () => {
    expect(notApproved({}, { ...worked, configChangedAt: ago(DAY) })?.cause).toBe(
      "consumer_not_approved",
    );
  });

  it("config changed before the first success → approval_aged_out", () => {
    expect(notApproved({}, { ...worked, configChangedAt: ago(50 * DAY) })?.cause).toBe(
      "approval_aged_out",
    );
  });

  it("the age threshold is inclusive at APPROVAL_AGE_MIN_MS", () => {
    const at = { firstSuccessAt: ago(APPROVAL_AGE_MIN_MS), lastSuccessAt: ago(MINUTE) };
    const before = { firstSuccessAt: ago(APPROVAL_AGE_MIN_MS - 1), lastSuccessAt: ago(MINUTE) };
    expect(notApproved({}, at)?.cause).toBe("approval_aged_out");
    expect(notApproved({}, before)?.cause).toBe("consumer_not_approved");
  });

  it("sandbox username without the suffix that never worked → user_not_found with the suffixed name", () => {
    const d = notApproved({ username: "integration@acme.com" });
    expect(d?.cause).toBe("user_not_found");
    expect(d?.fix.join("\n")).toContain('"integration@acme.com.dev"');
  });

  it("a username that worked for weeks against the same org id → approval_aged_out, no suffix guessed", () => {
    const same = { ...worked, lastUsername: "integration@acme.com", lastOrganizationId: "00DA" };
    const d = notApproved({ username: "integration@acme.com" }, same);
    expect(d?.cause).toBe("approval_aged_out");
    expect(`${d?.summary}\n${d?.fix.join("\n")}`).not.toContain("integration@acme.com.dev");
  });

  it("a username that worked under another org id → user_not_found (the refresh made a new org)", () => {
    const refreshed = {
      ...worked,
      lastUsername: "integration@acme.com.dev",
      lastOrganizationId: "00DNEW",
      usernameOrganizationId: "00DOLD",
    };
    const d = notApproved({}, refreshed);
    expect(d?.cause).toBe("user_not_found");
    expect(d?.summary).toContain("00DOLD");
    expect(d?.fix.join("\n")).not.toContain("integration@acme.com.dev.dev");
  });

  it("history of another username does not count as this username working", () => {
    const other = { ...worked, lastUsername: "someone@acme.com", lastOrganizationId: "00DA" };
    expect(notApproved({ username: "integration@acme.com" }, other)?.cause).toBe("user_not_found");
    expect(notApproved({}, other)?.cause).toBe("consumer_not_approved");
  });

  it("a suffix of another sandbox is not this sandbox's suffix", () => {
    expect(notApproved({ username: "integration@acme.com.uat" })?.cause).toBe("user_not_found");
  });

  it("the suffix test ignores case", () => {
    expect(notApproved({ username: "Integration@Acme.com.DEV" })?.cause).toBe(
      "consumer_not_approved",
    );
  });

  it("production orgs never give user_not_found", () => {
    const prod = {
      sandbox: false,
      myDomainUrl: "https://acme.my.salesforce.com",
      loginUrl: "https://acme.my.salesforce.com",
      username: "integration@acme.com",
    };
    expect(notApproved(prod)?.cause).toBe("consumer_not_approved");
  });

  it("a sandbox whose name cannot be derived gives consumer_not_approved with a refresh hint", () => {
    const d = notApproved(
      {
        myDomainUrl: null,
        loginUrl: "https://test.salesforce.com",
        username: "integration@acme.com",
      },
      { lastInstanceUrl: null },
    );
    expect(d?.cause).toBe("consumer_not_approved");
    expect(d?.fix.join("\n")).toMatch(/refreshed/);
  });
});

describe("sandbox name from the My Domain", () => {
  const nameOf = (org: Partial<OrgContext>, history: Partial<OrgHistory> = {}) => {
    const f = toFailure(inputFor({ stage: "token", evidence: NOT_APPROVED, org, history }));
    return f === null ? "healthy" : sandboxName(f);
  };

  it.each([
    ["https://acme--dev.sandbox.my.salesforce.com", "dev"],
    ["https://acme--uat2.my.salesforce.com", "uat2"],
    ["acme--QA.sandbox.my.salesforce.com/", "qa"],
    ["https://acme.my.salesforce.com", null],
  ])("%s → %s", (url, name) => {
    expect(
      nameOf(
        { myDomainUrl: url, loginUrl: "https://test.salesforce.com" },
        { lastInstanceUrl: null },
      ),
    ).toBe(name);
  });

  it("falls back to the login URL, then to the last instance URL", () => {
    expect(
      nameOf({ myDomainUrl: null, loginUrl: "https://acme--stg.sandbox.my.salesforce.com" }),
    ).toBe("stg");
    expect(
      nameOf(
        { myDomainUrl: null, loginUrl: "https://test.salesforce.com" },
        { lastInstanceUrl: "https://acme--int.sandbox.my.salesforce.com" },
      ),
    ).toBe("int");
  });
});

describe("invalid_client_id: propagation window", () => {
  const edge = APP_PROPAGATION_WINDOW_MS;

  it("is a named 15-minute window", () => {
    expect(edge).toBe(15 * MINUTE);
  });

  it.each([
    ["configChangedAt", { configChangedAt: ago(edge - 1) }, {}, "app_propagating"],
    ["configChangedAt", { configChangedAt: ago(edge) }, {}, "client_id_invalid"],
    ["firstSeenAt", { firstSeenAt: ago(edge - 1) }, {}, "app_propagating"],
    ["firstSeenAt", { firstSeenAt: ago(edge) }, {}, "client_id_invalid"],
    ["createdAt", { firstSeenAt: ago(DAY * 30) }, { createdAt: ago(edge - 1) }, "app_propagating"],
    ["createdAt", { firstSeenAt: ago(DAY * 30) }, { createdAt: ago(edge) }, "client_id_invalid"],
  ] as const)("by %s at the edge → %s", (_field, history, org, cause) => {
    expect(badClient(org, history)?.cause).toBe(cause);
  });

  it("takes the latest known sighting", () => {
    expect(
      badClient({ createdAt: ago(DAY) }, { firstSeenAt: ago(DAY), configChangedAt: ago(MINUTE) })
        ?.cause,
    ).toBe("app_propagating");
    expect(
      badClient({ createdAt: ago(MINUTE) }, { firstSeenAt: ago(DAY), configChangedAt: ago(DAY) })
        ?.cause,
    ).toBe("app_propagating");
  });

  it("a first-ever probe with no dates at all counts as a fresh sighting", () => {
    expect(badClient({ createdAt: null }, EMPTY_HISTORY)?.cause).toBe("app_propagating");
  });

  it("an old createdAt decides even on the first probe", () => {
    expect(badClient({ createdAt: ago(DAY) }, EMPTY_HISTORY)?.cause).toBe("client_id_invalid");
  });

  it("uses input.now, not the wall clock", () => {
    const input = inputFor({
      stage: "token",
      evidence: BAD_CLIENT,
      history: { configChangedAt: new Date(NOW).toISOString() },
    });
    expect(classify(input).diagnosis?.cause).toBe("app_propagating");
    expect(classify({ ...input, now: NOW + edge }).diagnosis?.cause).toBe("client_id_invalid");
  });
});
