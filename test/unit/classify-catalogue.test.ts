import { describe, expect, it } from "vitest";
import { CAUSE_IDS } from "../../src/domain/index.js";
import type { OrgHistory } from "../../src/domain/index.js";
import { CATALOGUE, classify, SETUP_PAGES } from "../../src/classify/index.js";
import type { OrgContext } from "../../src/classify/index.js";
import {
  apiError,
  DAY,
  inputFor,
  NOW,
  org,
  history,
  stagesFailingAt,
  tokenError,
  type Witness,
} from "./classify.fixtures.js";

const MY = "https://acme--dev.sandbox.my.salesforce.com";

function fixOf(w: Witness): string {
  return classify(inputFor(w)).diagnosis?.fix.join("\n") ?? "";
}

describe("catalogue", () => {
  it("has an entry with a reference for every cause id", () => {
    for (const id of CAUSE_IDS) {
      expect(CATALOGUE[id].reference, id).toMatch(/errors\.md#/);
    }
  });

  it("uses Lightning Setup paths only", () => {
    for (const [, path] of Object.values(SETUP_PAGES))
      expect(path).toMatch(/^\/lightning\/setup\/\w+\/home$/);
  });
});

describe("fix steps", () => {
  const preauth: Witness = {
    stage: "token",
    evidence: tokenError("invalid_app_access", "user is not admin approved to access this app"),
  };

  it("carry the org's own Setup links, the user, the permission set and the re-check command", () => {
    const d = classify(inputFor(preauth)).diagnosis;
    const fix = d?.fix.join("\n") ?? "";
    expect(fix).toContain(`${MY}/lightning/setup/ManageExternalClientApplication/home`);
    expect(fix).toContain(`${MY}/lightning/setup/PermSets/home`);
    expect(fix).toContain('"integration@acme.com.dev"');
    expect(fix).toContain('"Orgwatch_Integration"');
    expect(d?.fix.at(-1)).toBe("Re-check: orgwatch check acme-dev");
    expect(d?.summary).toMatch(/^Acme Dev: /);
  });

  it("fall back to the last instance URL when the org has no My Domain configured", () => {
    const fix = fixOf({
      ...preauth,
      org: { myDomainUrl: null },
      history: { lastInstanceUrl: "https://acme--dev.sandbox.my.salesforce.com/" },
    });
    expect(fix).toContain(`${MY}/lightning/setup/PermSets/home`);
  });

  it("name the Setup page in words when no host is known", () => {
    const fix = fixOf({
      ...preauth,
      org: { myDomainUrl: null },
      history: { lastInstanceUrl: null },
    });
    expect(fix).toContain("Setup → Permission Sets → ");
    expect(fix).not.toMatch(/https:\/\/\S*lightning/);
  });

  it("describe the permission set when none is configured", () => {
    expect(fixOf({ ...preauth, org: { permissionSet: null } })).toContain(
      "the integration user's permission set",
    );
  });

  it("carry the install link with app_id and app_org_id when the app id is known", () => {
    const w: Witness = {
      stage: "token",
      evidence: tokenError("app_not_found", "External client app is not installed in this org"),
      org: { audience: MY },
    };
    expect(classify(inputFor(w)).diagnosis?.cause).toBe("app_not_installed");
    expect(fixOf(w)).toContain(
      `${MY}/identity/app/AppInstallApprovalPage.apexp?app_id=0CiXX0000000001&app_org_id=00DXX0000000001`,
    );
    expect(fixOf({ ...w, org: { audience: MY, appOrgId: null } })).toMatch(
      /app_id=0CiXX0000000001,/,
    );
    const noApp = fixOf({ ...w, org: { audience: MY, appId: null } });
    expect(noApp).toContain(`${MY}/identity/app/AppInstallApprovalPage.apexp?app_id=<0Ci id>`);
    expect(noApp).not.toContain("app_id=0Ci");
    expect(noApp).toContain(`${MY}/lightning/setup/ConnectedAppsUsage/home`);
  });

  it("session_invalid explains that a fresh token failing means wrong host or revocation", () => {
    const fix = fixOf({
      stage: "rest",
      evidence: apiError(401, "INVALID_SESSION_ID", "Session expired or invalid"),
    });
    expect(fix).toMatch(/fresh token .* wrong host or sessions are being revoked/);
  });

  it("audience_invalid names the wrong production audience of a sandbox", () => {
    const fix = fixOf({
      stage: "token",
      evidence: tokenError("invalid_grant", "audience is invalid"),
      org: { audience: "https://login.salesforce.com" },
    });
    expect(fix).toContain("sandbox but the audience is the production login host");
  });

  it("every witness cause ends with the re-check and begins its summary with the org name", () => {
    const witnesses: Witness[] = [
      { stage: "local", evidence: { kind: "local", detail: "not RSA" } },
      { stage: "token", evidence: { kind: "network", networkCode: "ENOTFOUND" } },
      {
        stage: "rest",
        evidence: apiError(
          403,
          "REQUEST_LIMIT_EXCEEDED",
          "ConcurrentPerOrgLongTxn Limit exceeded.",
        ),
      },
      { stage: "metadata", evidence: apiError(500, "INVALID_SESSION_ID", "x"), tokenFormat: "jwt" },
    ];
    for (const w of witnesses) {
      const d = classify(inputFor(w)).diagnosis;
      expect(d?.summary).toMatch(/^Acme Dev: /);
      expect(d?.fix.at(-1)).toBe("Re-check: orgwatch check acme-dev");
    }
  });
});

describe("certificate warning", () => {
  const healthy = (o: Partial<OrgContext>, h: Partial<OrgHistory> = {}) =>
    classify({
      org: org(o),
      history: history(h),
      stages: stagesFailingAt(null, { kind: "http" }),
      now: NOW,
    });
  const inDays = (days: number) => ({
    certificateNotAfter: new Date(NOW + days * DAY).toISOString(),
  });

  it.each([
    [31, null],
    [30, "info"],
    [15, "info"],
    [14, "warning"],
    [8, "warning"],
    [7, "critical"],
    [0.5, "critical"],
  ] as const)("%s days left → %s", (days, severity) => {
    const { diagnosis, warnings } = healthy(inDays(days));
    expect(diagnosis).toBeNull();
    expect(warnings.map((w) => w.severity)).toEqual(severity === null ? [] : [severity]);
    for (const w of warnings) {
      expect(w).toMatchObject({ cause: "certificate_expiring", stage: "local", transient: false });
      expect(w.summary).toContain("expires on");
    }
  });

  it("an expired copy is a warning to rotate, never an outage, and the org stays healthy", () => {
    const { diagnosis, warnings } = healthy(inDays(-3));
    expect(diagnosis).toBeNull();
    expect(warnings[0]?.severity).toBe("critical");
    expect(warnings[0]?.summary).toMatch(
      /expired on .*\(3 day\(s\) ago\)\. Salesforce does not enforce the expiry .* no outage; rotate/,
    );
    expect(warnings[0]?.fix.at(-1)).toBe("Re-check: orgwatch check acme-dev");
  });

  it("no certificate configured, no warning", () => {
    expect(healthy({ certificateNotAfter: null }).warnings).toEqual([]);
  });

  it("comes alongside a failure's diagnosis", () => {
    const input = inputFor({
      stage: "local",
      evidence: { kind: "local", detail: "unreadable" },
      org: inDays(3),
    });
    const { diagnosis, warnings } = classify(input);
    expect(diagnosis?.cause).toBe("key_invalid");
    expect(warnings).toHaveLength(1);
  });
});

describe("invalid assertion with a local certificate copy", () => {
  const witness: Witness = {
    stage: "token",
    evidence: tokenError("invalid_grant", "invalid assertion"),
  };

  it("says the mismatch is confirmed when the copy does not belong to the key", () => {
    const fix = fixOf({ ...witness, org: { certificateMatchesKey: false } });
    expect(fix).toMatch(/^Confirmed locally: the certificate copy/);
  });

  it("says nothing of it when the copy matches or is unknown", () => {
    expect(fixOf({ ...witness, org: { certificateMatchesKey: true } })).not.toContain(
      "Confirmed locally",
    );
    expect(fixOf(witness)).not.toContain("Confirmed locally");
  });
});
