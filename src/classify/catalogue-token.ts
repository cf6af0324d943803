import type { CauseId } from "../domain/index.js";
import { ecaPath, ref, said, type CauseEntry } from "./entry.js";
import { appEntries } from "./catalogue-app.js";
import { approvalEntries } from "./catalogue-approval.js";

/** Token-endpoint causes whose body names the problem directly. */
export const tokenEntries = {
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
      `Relax IP restrictions for the app: ${ecaPath(c, 'Policies → Edit → OAuth Policies → App Authorization: IP Relaxation = "Relax IP restrictions"')}; for a Connected App: ${c.links.setup("connectedApps")} → the app → Edit Policies → IP Relaxation = "Relax IP restrictions".`,
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
      `Look for a re-login loop: a client that logs in again on every session error, typically JWT-format access tokens sent to SOAP below API v68.0, which answers INVALID_SESSION_ID, so jsforce or the sf CLI fetch a new token for every call. ${c.links.setup("loginHistory")}, filtered by ${c.user}, shows who logs in that often; the monitor itself uses at most 60 logins an hour.`,
      "Stop the loop: make the client cache its token and stop re-logging in on INVALID_SESSION_ID, or turn off JWT-based access tokens for the app (or call SOAP at v68.0 or later).",
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
  ...appEntries,
  ...approvalEntries,
} satisfies Partial<Record<CauseId, CauseEntry>>;
