import type { CauseId, Severity, StageId } from "../domain/index.js";
import type { Failure } from "./failure.js";
import { quoteEvidence } from "./failure.js";
import { linksFor, type Links } from "./links.js";
import type { OrgContext } from "./types.js";

/** What a catalogue entry may use to word one diagnosis. */
export interface Ctx {
  f: Failure;
  org: OrgContext;
  links: Links;
  /** The wire's own words, scrubbed (may be empty). */
  quote: string;
  /** The failed stage in words, e.g. "token exchange". */
  where: string;
  /** The integration user, quoted. */
  user: string;
  /** The permission set by name, or a description of it when not configured. */
  permSet: string;
}

/** One root cause as data: how loud, whether it clears by itself, and what to say and do. */
export interface CauseEntry {
  severity: Severity;
  transient: boolean | ((f: Failure) => boolean);
  /** One line for the on-call engineer: org, what broke, the wire's words. */
  summary(c: Ctx): string;
  /** Steps for whoever must act, most likely fix first (the engine appends the re-check). */
  fix(c: Ctx): string[];
  /** Where the cause is documented. */
  reference: string;
}

const STAGE_WORDS: Record<StageId, string> = {
  local: "local key check",
  token: "token exchange",
  identity: "identity check",
  rest: "REST API check",
  limits: "limits check",
  bulk: "Bulk API 2.0 check",
  metadata: "Metadata API (SOAP) check",
};

/** The context a catalogue entry words its diagnosis from. */
export function contextFor(f: Failure): Ctx {
  return {
    f,
    org: f.org,
    links: linksFor(f.org, f.history),
    quote: quoteEvidence(f.evidence),
    where: STAGE_WORDS[f.stage],
    user: `"${f.org.username}"`,
    permSet:
      f.org.permissionSet === null
        ? "the integration user's permission set"
        : `permission set "${f.org.permissionSet}"`,
  };
}

/** ` (Salesforce said: "…")`, or nothing when the wire said nothing quotable. */
export function said(c: Ctx): string {
  return c.quote === "" ? "" : ` (Salesforce said: "${c.quote}")`;
}

/** The errors.md anchor for a cause. */
export function ref(cause: CauseId): string {
  return `shared/reference/errors.md#${cause}`;
}

/** "External Client App Manager → the app → …" with this org's link. */
export function ecaPath(c: Ctx, rest: string): string {
  return `${c.links.setup("externalClientApps")} → the app → ${rest}`;
}

/** The pre-authorization steps shared by several token causes (errors.md D.13 for Connected Apps). */
export function preauthorizeSteps(c: Ctx): string[] {
  return [
    `Pre-authorize the user: ${ecaPath(c, 'Policies → Edit → OAuth Policies: Permitted Users = "Admin approved users are pre-authorized"; App Policies → Select Permission Sets: move')} ${c.permSet} to Selected. For a Connected App: ${c.links.setup("connectedApps")} → the app → Edit Policies → Permitted Users = "Admin approved users are pre-authorized" (assigning profiles alone does nothing), then Manage Permission Sets (or Manage Profiles) → add ${c.permSet}.`,
    `Make sure ${c.user} holds it: ${c.links.setup("permissionSets")} → ${c.permSet} → Manage Assignments → Add Assignment (expiry "Never Expires").`,
  ];
}
