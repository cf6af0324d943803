import type { CauseId } from "../domain/index.js";
import { preauthorizeSteps, ref, said, type CauseEntry, type Ctx } from "./entry.js";
import { codeIs, textHas } from "./failure.js";
import {
  APP_PROPAGATION_WINDOW_MS,
  appFirstSighting,
  epoch,
  hostOf,
  isGenericHost,
  lastEvidencedChange,
} from "./lookalikes.js";

const MINUTE_MS = 60_000;
const LOGIN = "https://login.salesforce.com";
const TEST = "https://test.salesforce.com";

/** Causes about the app itself: installed, reachable through the right host, propagated. */
export const appEntries = {
  app_not_installed: {
    severity: "critical",
    transient: false,
    reference: ref("app_not_installed"),
    summary: (c) =>
      `${c.org.name}: the app is not installed (or is blocked) in this org, so Salesforce refuses every token${said(c)}.`,
    fix: (c) => [installStep(c), ...uninstalledAppSteps(c), ...sandboxInstallSteps(c)],
  },
  my_domain_required: {
    severity: "critical",
    transient: false,
    reference: "shared/reference/errors.md#d-corrections-and-additions-second-review-with-sources",
    summary: (c) =>
      `${c.org.name}: the token request went through a generic login host (token host ${c.org.loginUrl}, aud ${c.org.audience}); since Spring '26 an External Client App answers that with "not installed" and accepts only the org's My Domain as token host and audience${said(c)}.`,
    fix: (c) => [
      `Use ${myDomain(c)} as both the token host (loginUrl) and the JWT audience (audience) of ${c.org.id}, in the monitor and in the integration; change the two together.`,
      `If Salesforce still answers "External client app is not installed in this org" with My Domain as both, the app really is missing. ${installStep(c)}`,
    ],
  },
  audience_invalid: {
    severity: "critical",
    transient: false,
    reference: ref("audience_invalid"),
    summary: (c) =>
      `${c.org.name}: Salesforce rejects the JWT audience ${c.org.audience}${said(c)}.`,
    fix: (c) => [
      audienceDiagnosis(c),
      `Pairs that work (token host, aud): a Connected App takes aud = ${genericAudience(c)} (${c.org.sandbox ? "sandboxes and scratch orgs" : "production and Developer Edition"}) with the token sent to ${myDomain(c)} or to that same login host; an External Client App (since Spring '26) takes ${myDomain(c)} as both; GovCloud sends the token request to the My Domain host and keeps aud = ${genericAudience(c)}.`,
      `Set audience for ${c.org.id} explicitly to the aud of the pair that fits the app (now ${c.org.audience}${c.org.audienceDerived ? ", derived from the login URL" : ""}; token host ${c.org.loginUrl}).`,
    ],
  },
  app_propagating: {
    severity: "info",
    transient: true,
    reference: ref("app_propagating"),
    summary: (c) =>
      `${c.org.name}: Salesforce still answers with the state before a recent change — ${changeWords(c)} — and changes take 2 to 10 minutes to reach every Salesforce server${said(c)}.`,
    fix: (c) => [
      "No change needed yet: wait; the monitor re-checks every 2 minutes and does not page for this.",
      `If it still fails ${APP_PROPAGATION_WINDOW_MS / MINUTE_MS} minutes after the change, it is reported as ${laterCause(c)}, with the steps for that.`,
      `After editing the app or its policies, set createdAt of ${c.org.id} to the time of the edit: that is how the monitor knows a window is open.`,
    ],
  },
  user_not_preauthorized: {
    severity: "critical",
    transient: false,
    reference: ref("user_not_preauthorized"),
    summary: (c) =>
      `${c.org.name}: ${c.user} is not pre-authorized for the app — no profile or permission set of the user is linked to it${said(c)}.`,
    fix: (c) => [
      ...otherOrgInstallSteps(c),
      ...preauthorizeSteps(c),
      "Connected Apps only: a permission set with the Salesforce API Integration licence cannot carry assigned apps, so link the user's profile or a second permission set instead (an External Client App's App Policies may select such a set).",
      "Policy changes can take up to 10 minutes to reach every Salesforce server.",
    ],
  },
} satisfies Partial<Record<CauseId, CauseEntry>>;

function myDomain(c: Ctx): string {
  return c.links.base ?? `the org's My Domain URL (${c.links.setup("myDomain")})`;
}

function genericAudience(c: Ctx): string {
  return c.org.sandbox ? TEST : LOGIN;
}

/** The install step: the exact install link when the app's 0Ci id is configured. */
export function installStep(c: Ctx): string {
  const link = c.links.installApp();
  if (link !== null) {
    return `Install the app in this org: open ${link}, press Install, then Edit Policies → Permitted Users = "Admin approved users are pre-authorized" → Save, and add ${c.permSet} (or the user's profile).`;
  }
  return `Install the app in this org. An External Client App: create it, or install the package that contains it, via ${c.links.setup("externalClientApps")}. A Connected App owned by another org: in that org open App Manager → the app → Edit and copy the 0Ci… id at the end of the page URL, then open ${c.links.base ?? "https://<this org's My Domain>"}/identity/app/AppInstallApprovalPage.apexp?app_id=<0Ci id> here and press Install (set appId and appOrgId of ${c.org.id} and this step carries the exact link); or ${c.links.setup("oauthUsage")} → the app → Install (or Unblock).`;
}

/** Seed 000: what lets users through until an uninstalled connected app is installed. */
function uninstalledAppSteps(c: Ctx): string[] {
  return [
    `Since September 2025 a connected app must be installed before new users may authorize it; meanwhile the permission "Approve Uninstalled Connected Apps" lets a few test users through, and "Use Any API Client" does so where API Access Control is on (both via ${c.links.setup("permissionSets")}).`,
  ];
}

function sandboxInstallSteps(c: Ctx): string[] {
  if (!c.org.sandbox) return [];
  return [
    "This is a sandbox: a refresh drops apps that are not installed in production, so install the app in production too. If Connected Apps OAuth Usage does not list the app in this sandbox, Setup → Sandboxes → Match Production Licenses to Sandbox without a Refresh restores it.",
  ];
}

/** An app owned by another org must be installed before anyone can be pre-authorized for it. */
function otherOrgInstallSteps(c: Ctx): string[] {
  if (c.org.appOrgId === null) return [];
  return [
    `The app belongs to another org (${c.org.appOrgId}): it must be installed here first. ${installStep(c)}`,
  ];
}

function audienceDiagnosis(c: Ctx): string {
  const aud = c.org.audience;
  const audHost = hostOf(aud);
  if (!isGenericHost(aud) && audHost !== null) {
    return `The audience is not a generic login host (${aud}): a Connected App accepts only ${genericAudience(c)} and answers "audience is invalid" to its own My Domain.`;
  }
  if (c.org.sandbox && audHost === "login.salesforce.com") {
    return `This org is a sandbox but the audience is the production login host; a sandbox's Connected App takes ${TEST}.`;
  }
  if (!c.org.sandbox && audHost === "test.salesforce.com") {
    return `This org is not a sandbox but the audience is the sandbox login host; a production Connected App takes ${LOGIN}.`;
  }
  return `The audience ${aud} is not one this org's app accepts.`;
}

function minutesAgo(c: Ctx, at: number): number {
  return Math.max(0, Math.floor((c.f.now - at) / MINUTE_MS));
}

/** What changed and when, in words, for the propagation summary. */
function changeWords(c: Ctx): string {
  const created = epoch(c.org.createdAt);
  const changed = lastEvidencedChange(c.f);
  if (changed !== null && c.f.now - changed < APP_PROPAGATION_WINDOW_MS) {
    const what =
      created === changed
        ? "the app or its policy (createdAt)"
        : "the monitor's connection settings";
    return `${what} changed ${minutesAgo(c, changed)} minute(s) ago`;
  }
  return `the org was first checked ${minutesAgo(c, appFirstSighting(c.f))} minute(s) ago with this consumer key`;
}

/** The cause the same answer gets once the window has passed. */
function laterCause(c: Ctx): string {
  const ev = c.f.evidence;
  if (codeIs(ev.error, "invalid_client_id"))
    return "client_id_invalid (copy the Consumer Key again)";
  if (codeIs(ev.error, "invalid_app_access")) return "user_not_preauthorized";
  if (textHas(ev.errorDescription, /approved this consumer/i)) {
    return "consumer_not_approved, approval_aged_out or user_not_found, by history";
  }
  return "its own cause";
}
