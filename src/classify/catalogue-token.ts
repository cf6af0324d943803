import type { CauseId } from "../domain/index.js";
import { ecaPath, preauthorizeSteps, ref, said, type CauseEntry, type Ctx } from "./entry.js";
import { hostOf } from "./lookalikes.js";
import { approvalEntries } from "./catalogue-approval.js";

/** Token-endpoint causes whose body names the problem directly. */
export const tokenEntries = {
  app_not_installed: {
    severity: "critical",
    transient: false,
    reference: ref("app_not_installed"),
    summary: (c) =>
      `${c.org.name}: the app is not installed (or is blocked) in this org, so Salesforce refuses every token${said(c)}.`,
    fix: (c) => [installStep(c), ...sandboxInstallStep(c), ...myDomainAudienceStep(c)],
  },
  user_not_preauthorized: {
    severity: "critical",
    transient: false,
    reference: ref("user_not_preauthorized"),
    summary: (c) =>
      `${c.org.name}: ${c.user} is not pre-authorized for the app — no profile or permission set of the user is linked to it${said(c)}.`,
    fix: (c) => [
      ...preauthorizeSteps(c),
      "A permission set with the Salesforce API Integration licence cannot carry assigned apps: link the user's profile or a second permission set instead.",
      "Policy changes can take up to 10 minutes to reach every Salesforce server.",
    ],
  },
  audience_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("audience_invalid"),
    summary: (c) =>
      `${c.org.name}: Salesforce rejects the JWT audience ${c.org.audience}${said(c)}.`,
    fix: audienceFix,
  },
  invalid_assertion: {
    severity: "critical",
    transient: false,
    reference: ref("invalid_assertion"),
    summary: (c) =>
      `${c.org.name}: the JWT signature does not verify against the certificate uploaded to the app — key and certificate do not match${said(c)}.`,
    fix: (c) => [
      ...(c.org.certificateMatchesKey === false
        ? [
            "Confirmed locally: the certificate copy in the monitor's config does not belong to its private key, so the key or the certificate was replaced on one side only.",
          ]
        : []),
      "Confirm the pair: `openssl x509 -noout -modulus -in <certificate.crt>` and `openssl rsa -noout -modulus -in <private key>` must print the same value.",
      `Upload the certificate that matches the monitor's key: ${ecaPath(c, "Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow → upload the certificate")}; for a connected app: ${c.links.setup("appManager")} → the app → Edit → Use digital signatures.`,
      "If the certificate on the app was rotated on purpose, give the monitor (and the integration) the new private key instead.",
    ],
  },
  assertion_expired: {
    severity: "critical",
    transient: false,
    reference: ref("assertion_expired"),
    summary: (c) =>
      `${c.org.name}: Salesforce saw the JWT as already expired — the monitor host's clock is probably behind${said(c)}.`,
    fix: () => [
      "Sync the monitor host's clock with NTP (`timedatectl status`, `chronyc tracking`); compare it with the `Date` header of any Salesforce response.",
      "The assertion's exp must be UTC epoch seconds a few minutes ahead (floor(now / 1000) + 180), never local time.",
    ],
  },
  client_id_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("client_id_invalid"),
    summary: (c) =>
      `${c.org.name}: Salesforce does not recognise the configured consumer key (client id)${said(c)}.`,
    fix: (c) => [
      `Copy the Consumer Key: ${ecaPath(c, "Settings → OAuth Settings → App Settings → Consumer Key and Secret")}; for a connected app: ${c.links.setup("appManager")} → the app → View → Manage Consumer Details.`,
      `Put it into the monitor's clientId for ${c.org.id} and check the integration's copy: a key of a deleted or recreated app, or of an app from another org that was never made available here, fails the same way.`,
      "If the app was created or edited in the last few minutes, wait 10 minutes and re-check: new apps take time to propagate.",
    ],
  },
  app_propagating: {
    severity: "info",
    transient: true,
    reference: ref("app_propagating"),
    summary: (c) =>
      `${c.org.name}: the consumer key is not known yet — the app or its config changed less than 15 minutes ago and Salesforce needs 2–10 minutes to propagate it${said(c)}.`,
    fix: (c) => [
      "No change needed yet: wait a few minutes; the monitor keeps retrying.",
      `If it still fails 15 minutes after the change it becomes client_id_invalid: then copy the Consumer Key again from ${c.links.setup("externalClientApps")}.`,
    ],
  },
  unsupported_grant_type: {
    severity: "critical",
    transient: false,
    reference: ref("unsupported_grant_type"),
    summary: (c) => `${c.org.name}: the token request's grant type was not accepted${said(c)}.`,
    fix: (c) => [
      "The request must be form-encoded (application/x-www-form-urlencoded) with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer; anything else is a client bug — report it with this evidence.",
      `Check that the JWT bearer flow is enabled: ${ecaPath(c, "Settings → OAuth Settings → Flow Enablement → Enable JWT Bearer Flow")}.`,
    ],
  },
  user_inactive: {
    severity: "critical",
    transient: false,
    reference: ref("user_inactive"),
    summary: (c) => `${c.org.name}: the integration user ${c.user} is inactive${said(c)}.`,
    fix: (c) => [
      `Reactivate ${c.user}: ${c.links.setup("users")} → the user → Edit → tick Active (needs a free licence); unfreeze the user if it is frozen.`,
      `Or point the monitor and the integration at an active user (update username for ${c.org.id}).`,
    ],
  },
  org_inactive: {
    severity: "critical",
    transient: false,
    reference: ref("org_inactive"),
    summary: (c) =>
      `${c.org.name}: the org is locked, suspended or closed (expired trial, deleted sandbox)${said(c)}.`,
    fix: (c) => [
      "Ask the org's admin or Salesforce why the org is inactive; renew or unlock it.",
      `If the org or sandbox was retired on purpose, remove ${c.org.id} from the monitor's config.`,
    ],
  },
  ip_restricted: {
    severity: "critical",
    transient: false,
    reference: ref("ip_restricted"),
    summary: (c) =>
      `${c.org.name}: ${c.user} may not log in from the monitor's IP address or at this hour${said(c)}.`,
    fix: (c) => [
      `Relax IP restrictions for the app: ${ecaPath(c, 'Policies → Edit → OAuth Policies → App Authorization: IP Relaxation = "Relax IP restrictions"')}.`,
      `Or add the monitor's egress IPs to the user's profile: ${c.links.setup("profiles")} → the profile of ${c.user} → Login IP Ranges; check its Login Hours too.`,
      `${c.links.setup("loginHistory")} shows the refused source IP.`,
    ],
  },
  login_rate_exceeded: {
    severity: "critical",
    transient: true,
    reference: ref("login_rate_exceeded"),
    summary: (c) =>
      `${c.org.name}: ${c.user} passed Salesforce's login limit (3,600 per hour), so the real integration is throttled too${said(c)}.`,
    fix: (c) => [
      `Find who logs in so often: ${c.links.setup("loginHistory")}, filtered by ${c.user}. The monitor uses at most 60 logins an hour, so another client is logging in on every call — make it cache its token.`,
      "Logins clear within an hour; the monitor pauses this user's checks for 60 minutes. Give each consumer its own integration user to keep budgets apart.",
    ],
  },
  invalid_request: {
    severity: "critical",
    transient: false,
    reference: ref("invalid_request"),
    summary: (c) => `${c.org.name}: Salesforce refused the token request as malformed${said(c)}.`,
    fix: (c) => [
      `Check that the configured login URL uses https:// (${c.org.loginUrl}); otherwise this is a client bug — report it with this evidence.`,
    ],
  },
  ...approvalEntries,
} satisfies Partial<Record<CauseId, CauseEntry>>;

/** The install step: the exact install link when the app's 0Ci id is configured. */
function installStep(c: Ctx): string {
  const link = c.links.installApp();
  if (link !== null) {
    return `Install the app in this org: open ${link}, press Install, then Edit Policies → Permitted Users = "Admin approved users are pre-authorized" → Save, and add ${c.permSet} (or the user's profile).`;
  }
  return `Install the app in this org: for an External Client App, create or install its package via ${c.links.setup("externalClientApps")}; for a connected app owned by another org, ${c.links.setup("oauthUsage")} → the app → Install (or Unblock).`;
}

function sandboxInstallStep(c: Ctx): string[] {
  if (!c.org.sandbox) return [];
  return [
    "This is a sandbox: a refresh drops apps that are not installed in production. Install the app in production too so the next refresh carries it over.",
  ];
}

/** Spring '26: an ECA addressed via login/test (host or aud) can answer "not installed". */
function myDomainAudienceStep(c: Ctx): string[] {
  const myHost = hostOf(c.links.base);
  const usesMyDomain =
    myHost !== null && [c.org.loginUrl, c.org.audience].every((u) => hostOf(u) === myHost);
  if (usesMyDomain) return [];
  const myDomain = c.links.base ?? "the org's My Domain URL";
  return [
    `If the app is installed, use ${myDomain} as both the token host and the JWT audience (now ${c.org.loginUrl} and ${c.org.audience}): since Spring '26 an External Client App reached via test.salesforce.com fails with this same error.`,
  ];
}

function audienceFix(c: Ctx): string[] {
  const steps = [
    `The JWT audience is ${c.org.audience}${c.org.audienceDerived ? " (derived from the login URL)" : ""}. Use https://login.salesforce.com for production and Developer Edition, https://test.salesforce.com for sandboxes and scratch orgs, or the org's My Domain URL${c.links.base === null ? "" : ` (${c.links.base})`} for External Client Apps; set audience for ${c.org.id} explicitly.`,
    `Keep the audience consistent with the token host (${c.org.loginUrl}).`,
  ];
  const audHost = hostOf(c.org.audience);
  if (c.org.sandbox && audHost === "login.salesforce.com") {
    steps.unshift("This org is a sandbox but the audience is the production login host.");
  } else if (!c.org.sandbox && audHost === "test.salesforce.com") {
    steps.unshift("This org is not a sandbox but the audience is the sandbox login host.");
  }
  return steps;
}
