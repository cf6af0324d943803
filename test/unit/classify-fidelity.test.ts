import { describe, expect, it } from "vitest";
import { classify, APP_PROPAGATION_WINDOW_MS } from "../../src/classify/index.js";
import { EMPTY_HISTORY } from "../../src/domain/index.js";
import type { OrgContext } from "../../src/classify/index.js";
import type { Evidence, OrgHistory } from "../../src/domain/index.js";
import {
  ago,
  apiError,
  DAY,
  inputFor,
  MINUTE,
  NOW,
  stagesFailingAt,
  org,
  history,
  tokenError,
  type Witness,
} from "./classify.fixtures.js";

const MY = "https://acme--dev.sandbox.my.salesforce.com";
const NOT_APPROVED = tokenError("invalid_grant", "user hasn't approved this consumer");
const NOT_PREAUTH = tokenError(
  "invalid_app_access",
  "user is not admin approved to access this app",
);
const BAD_CLIENT = tokenError("invalid_client_id", "client identifier invalid");
const NOT_FOUND = tokenError("app_not_found", "External client app is not installed in this org");

function diagnose(w: Witness) {
  const d = classify(inputFor(w)).diagnosis;
  if (d === null) throw new Error("expected a diagnosis");
  return d;
}

function token(evidence: Evidence, o: Partial<OrgContext> = {}, h: Partial<OrgHistory> = {}) {
  return diagnose({ stage: "token", evidence, org: o, history: h });
}

describe("propagation window after any evidenced change (errors.md D.4)", () => {
  const edge = APP_PROPAGATION_WINDOW_MS;

  it.each([
    ["not approved", NOT_APPROVED],
    ["not admin approved", NOT_PREAUTH],
    ["client id", BAD_CLIENT],
  ])("%s within the window after a config change is app_propagating, transient", (_n, ev) => {
    const d = token(ev, {}, { configChangedAt: ago(edge - 1) });
    expect([d.cause, d.transient, d.severity]).toEqual(["app_propagating", true, "info"]);
  });

  it.each([
    ["not approved", NOT_APPROVED, "consumer_not_approved"],
    ["not admin approved", NOT_PREAUTH, "user_not_preauthorized"],
    ["client id", BAD_CLIENT, "client_id_invalid"],
  ])("%s once the window has passed gets its own cause", (_n, ev, cause) => {
    expect(token(ev, { createdAt: ago(edge) }, { configChangedAt: ago(edge) }).cause).toBe(cause);
  });

  it("a policy edit recorded as createdAt opens a window for an org seen for months", () => {
    const d = token(NOT_PREAUTH, { createdAt: ago(2 * MINUTE) }, { firstSeenAt: ago(90 * DAY) });
    expect(d.cause).toBe("app_propagating");
    expect(d.summary).toContain("changed 2 minute(s) ago");
    expect(d.fix[1]).toContain("user_not_preauthorized");
  });

  it("a first sighting with no evidenced change opens no window for approval errors", () => {
    const firstEver = { createdAt: null };
    expect(token(NOT_APPROVED, firstEver, EMPTY_HISTORY).cause).toBe("consumer_not_approved");
    expect(token(NOT_PREAUTH, firstEver, EMPTY_HISTORY).cause).toBe("user_not_preauthorized");
    expect(token(NOT_APPROVED, firstEver, { firstSeenAt: ago(MINUTE) }).cause).toBe(
      "consumer_not_approved",
    );
  });

  it("a first sighting still opens one for invalid_client_id", () => {
    expect(token(BAD_CLIENT, { createdAt: null }, EMPTY_HISTORY).cause).toBe("app_propagating");
  });
});

describe("Spring '26 generic host (errors.md D.1)", () => {
  it.each([
    ["generic aud", { audience: "https://test.salesforce.com" }],
    ["generic host", { loginUrl: "https://test.salesforce.com", audience: MY }],
    ["login host", { loginUrl: "https://login.salesforce.com", audience: MY }],
  ])("%s → my_domain_required, first step: My Domain as both", (_n, o) => {
    const d = token(NOT_FOUND, o);
    expect(d.cause).toBe("my_domain_required");
    expect(d.fix[0]).toMatch(
      new RegExp(
        `^Use ${MY.replace(/\./g, "\\.")} as both the token host \\(loginUrl\\) and the JWT audience`,
      ),
    );
    expect(d.fix[1]).toContain("AppInstallApprovalPage.apexp?app_id=0CiXX0000000001");
  });

  it("My Domain as host and aud → app_not_installed, first step: install", () => {
    const d = token(NOT_FOUND, { audience: MY });
    expect(d.cause).toBe("app_not_installed");
    expect(d.fix[0]).toMatch(/^Install the app in this org: open /);
    expect(d.fix.join("\n")).toContain("Match Production Licenses to Sandbox");
    expect(d.fix.join("\n")).toContain("Approve Uninstalled Connected Apps");
  });
});

describe("audience fix text (errors.md D.2)", () => {
  const sandboxMyDomain = token(tokenError("invalid_grant", "audience is invalid"), {
    audience: MY,
    audienceDerived: false,
  });
  const text = sandboxMyDomain.fix.join("\n");

  it("never says to keep the audience consistent with the token host", () => {
    expect(text).not.toMatch(/consistent/i);
  });

  it("names the pairs for a Connected App, an External Client App and GovCloud", () => {
    expect(text).toContain(
      `a Connected App takes aud = https://test.salesforce.com (sandboxes and scratch orgs) with the token sent to ${MY} or to that same login host`,
    );
    expect(text).toContain(`an External Client App (since Spring '26) takes ${MY} as both`);
    expect(text).toContain(
      "GovCloud sends the token request to the My Domain host and keeps aud = https://test.salesforce.com",
    );
  });

  it("on a sandbox My Domain with aud = My Domain, the first step says why a Connected App refuses it", () => {
    expect(sandboxMyDomain.fix[0]).toMatch(
      /^The audience is not a generic login host .*a Connected App accepts only https:\/\/test\.salesforce\.com/,
    );
    expect(text).not.toContain("login.salesforce.com");
  });

  it("a production aud on a sandbox says so first", () => {
    const d = token(tokenError("invalid_grant", "audience is invalid"), {
      audience: "https://login.salesforce.com",
    });
    expect(d.fix[0]).toMatch(
      /^This org is a sandbox but the audience is the production login host/,
    );
  });
});

describe("fix-step gaps (errors.md D.13) and reworded causes", () => {
  it("Connected App pre-authorization names Permitted Users; the licence caveat is for Connected Apps", () => {
    const fix = token(NOT_PREAUTH).fix.join("\n");
    expect(fix).toContain(
      'For a Connected App: Setup → Manage Connected Apps (https://acme--dev.sandbox.my.salesforce.com/lightning/setup/ConnectedApplication/home) → the app → Edit Policies → Permitted Users = "Admin approved users are pre-authorized" (assigning profiles alone does nothing)',
    );
    expect(fix).toMatch(
      /Connected Apps only: a permission set with the Salesforce API Integration licence/,
    );
  });

  it("an app of another org is installed first, with the 0Ci link", () => {
    const d = token(NOT_PREAUTH);
    expect(d.fix[0]).toMatch(
      /^The app belongs to another org \(00DXX0000000001\): it must be installed here first/,
    );
    expect(d.fix[0]).toContain("app_id=0CiXX0000000001&app_org_id=00DXX0000000001");
    expect(token(NOT_PREAUTH, { appOrgId: null }).fix[0]).toMatch(/^Pre-authorize the user/);
  });

  it("IP relaxation for a Connected App", () => {
    const fix = token(tokenError("invalid_grant", "ip restricted or invalid login hours")).fix;
    expect(fix[0]).toContain('→ the app → Edit Policies → IP Relaxation = "Relax IP restrictions"');
  });

  it("API_DISABLED_FOR_ORG points at the edition for the API-only profile", () => {
    const d = diagnose({
      stage: "rest",
      evidence: apiError(
        403,
        "API_DISABLED_FOR_ORG",
        "The REST API is not enabled for this Organization.",
      ),
    });
    expect(d.fix[0]).toContain(
      '"Minimum Access - API Only Integrations", that profile already grants API access',
    );
    const user = diagnose({
      stage: "rest",
      evidence: apiError(403, "API_CURRENTLY_DISABLED", "API is disabled for this User"),
    });
    expect(user.summary).toContain("the API is disabled for");
    expect(user.fix[0]).toMatch(/^Grant API Enabled/);
  });

  it("login rate: the first step names the re-login loop", () => {
    const d = token(tokenError("invalid_grant", "login rate exceeded"));
    expect(d.cause).toBe("login_rate_exceeded");
    expect(d.fix[0]).toMatch(
      /^Look for a re-login loop: .*JWT-format access tokens sent to SOAP below API v68\.0/,
    );
  });

  it("JWT-format tokens: the fix says SOAP accepts them from v68.0", () => {
    const rest = diagnose({
      stage: "rest",
      evidence: apiError(401, "INVALID_AUTH_HEADER", "INVALID_JWT_FORMAT"),
      tokenFormat: "jwt",
    });
    expect(rest.cause).toBe("jwt_token_format_unsupported");
    expect(rest.fix[0]).toMatch(/^Turn the setting off/);
    expect(rest.fix.join("\n")).toContain("SOAP accepts JWT-format tokens from API v68.0");
  });

  it("a proxy refusal is a non-transient network_error about the monitor's egress", () => {
    const d = diagnose({
      stage: "token",
      evidence: {
        kind: "http",
        httpStatus: 403,
        contentType: "text/html",
        headers: { server: "squid/5.7" },
        bodyExcerpt: "Access Denied",
      },
    });
    expect([d.cause, d.transient]).toEqual(["network_error", false]);
    expect(d.summary).toContain("refused by a proxy between the monitor and Salesforce");
    expect(d.fix[0]).toMatch(/^Let the monitor's egress reach the token host/);
  });

  it("an instance host that does not resolve after a good token is a transient network_error", () => {
    const d = diagnose({ stage: "rest", evidence: { kind: "network", networkCode: "ENOTFOUND" } });
    expect([d.cause, d.transient]).toEqual(["network_error", true]);
    expect(d.fix[0]).toMatch(
      /^The token exchange worked, but the instance host .* does not resolve/,
    );
  });
});

describe("deprecated API version warning (errors.md D.11)", () => {
  it("a Warning header on any stage becomes a side warning; the org stays healthy", () => {
    const stages = stagesFailingAt(null, { kind: "http" }).map((s) =>
      s.stage === "rest"
        ? {
            ...s,
            evidence: {
              kind: "http" as const,
              httpStatus: 200,
              headers: { warning: '299 - "Deprecated API version"' },
            },
          }
        : s,
    );
    const { diagnosis, warnings } = classify({ org: org(), history: history(), stages, now: NOW });
    expect(diagnosis).toBeNull();
    expect(warnings.map((w) => [w.cause, w.stage, w.severity])).toEqual([
      ["api_version_unsupported", "rest", "warning"],
    ]);
    expect(warnings[0]?.summary).toContain("Deprecated API version");
  });

  it("no Warning header, no warning", () => {
    const stages = stagesFailingAt(null, { kind: "http" });
    expect(classify({ org: org(), history: history(), stages, now: NOW }).warnings).toEqual([]);
  });
});
