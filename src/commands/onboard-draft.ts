import { stringify } from "yaml";
import type { OrgContext } from "../classify/index.js";
import { deriveAudience, isSandboxHost, myDomainOf } from "../config/target.js";
import { OrgwatchError } from "../platform/errors.js";
import type { AppKind } from "../monitor/onboarding.js";
import type { NewKey } from "./onboard-key.js";

/** What `--login-url URL --username U [--client-id K]` knows about an org not yet in a config. */
export interface DraftInput {
  loginUrl: string;
  username: string;
  clientId?: string | undefined;
  id?: string | undefined;
  appKind?: AppKind | undefined;
  key?: NewKey | null;
}

/** The placeholder a draft carries until the admin pastes the Consumer Key. */
export const CLIENT_ID_PLACEHOLDER = "PASTE-THE-CONSUMER-KEY";

function parseLoginUrl(text: string): URL {
  let url: URL | null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.hostname === "") {
    throw new OrgwatchError(
      "USAGE",
      `--login-url ${text}: not a URL; give the org's My Domain, e.g. https://acme.my.salesforce.com`,
    );
  }
  return url;
}

/** An org id from a My Domain host: `acme--dev.sandbox.my.salesforce.com` → `acme-dev`. */
export function idFromHost(host: string): string {
  const label = (host.split(".")[0] ?? "org").toLowerCase();
  const id = label
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 64);
  return id === "" || id === "login" || id === "test" ? "new-org" : id;
}

/** Checks the draft's input and returns the org's context as the classifier would see it. */
export function draftContext(input: DraftInput): OrgContext {
  const url = parseLoginUrl(input.loginUrl);
  if (!/^[^@\s]+@[^@\s]+$/.test(input.username)) {
    throw new OrgwatchError(
      "USAGE",
      `--username ${input.username}: a Salesforce username looks like an e-mail address, e.g. integration@acme.com`,
    );
  }
  const id = input.id ?? idFromHost(url.hostname);
  if (!/^[a-z0-9_-]{1,64}$/.test(id)) {
    throw new OrgwatchError("USAGE", `--org ${id}: must be 1-64 characters of a-z, 0-9, _ or -`);
  }
  const loginUrl = url.origin;
  return {
    id,
    name: id,
    loginUrl,
    audience: deriveAudience(loginUrl),
    audienceDerived: true,
    sandbox: isSandboxHost(url.hostname),
    myDomainUrl: myDomainOf(loginUrl),
    username: input.username,
    apiVersion: "65.0",
    permissionSet: null,
    appId: null,
    appOrgId: null,
    createdAt: null,
    certificateNotAfter: null,
    recheckCommand: `orgwatch onboard --config FILE --org ${id}`,
  };
}

/** The config entry to add under `orgs:`, with the host and audience this app kind needs. */
export function draftEntry(
  org: OrgContext,
  input: DraftInput,
  hostAndAud: { tokenHost: string; audience: string },
): Record<string, unknown> {
  const kind: AppKind = input.appKind ?? "external_client_app";
  return {
    id: org.id,
    loginUrl: kind === "external_client_app" ? hostAndAud.tokenHost : org.loginUrl,
    audience: hostAndAud.audience,
    clientId: input.clientId ?? CLIENT_ID_PLACEHOLDER,
    username: org.username,
    privateKeyFile: input.key?.keyFile ?? "./private-key.pem",
    certificateFile: input.key?.certFile ?? "./cert.pem",
  };
}

/** The entry as YAML, a list item ready to paste under `orgs:`. */
export function draftYaml(entry: Record<string, unknown>, kind: AppKind): string {
  const head = [
    `# ${kind === "external_client_app" ? "External Client App" : "Connected App"}: paste under orgs: in your config.`,
    ...(entry["clientId"] === CLIENT_ID_PLACEHOLDER
      ? ["# clientId: the app's Consumer Key (step 2), once the app exists."]
      : []),
    "# createdAt: set it to the time you create or edit the app: it opens the 2-10 minute propagation window.",
  ];
  return `${head.join("\n")}\n${stringify([entry])}`;
}
