import type { Links } from "../classify/index.js";
import type { OrgContext } from "../classify/index.js";

/** The two kinds of app a JWT integration logs in through. */
export const APP_KINDS = ["external_client_app", "connected_app"] as const;

/** An External Client App (the default since Spring '26) or a Connected App. */
export type AppKind = (typeof APP_KINDS)[number];

/** The setup steps in the order Salesforce evaluates them, so a failure proves every earlier one. */
export const STEP_IDS = [
  "key",
  "app",
  "certificate",
  "host",
  "user",
  "install",
  "policies",
  "preauthorize",
  "api",
  "verify",
] as const;

/** One setup step's stable id. */
export type StepId = (typeof STEP_IDS)[number];

/** What kind of org this is, which decides the audience a Connected App takes. */
export type OrgKind = "production" | "sandbox" | "developer";

/** One checklist item: what to do, with this org's own Setup links. */
export interface SetupStep {
  id: StepId;
  title: string;
  how: string[];
}

/** The whole checklist for one org and app kind, with the token host and audience to use. */
export interface OnboardingPlan {
  orgId: string;
  appKind: AppKind;
  orgKind: OrgKind;
  /** Where the token request should go, and the `aud` it should carry. */
  tokenHost: string;
  audience: string;
  /** Where the org's config disagrees with what this app kind needs. */
  warnings: string[];
  steps: SetupStep[];
}

const LOGIN = "https://login.salesforce.com";
const TEST = "https://test.salesforce.com";

/** Production, sandbox (`--`, `.sandbox.`, test.salesforce.com) or Developer Edition (`.develop.`). */
export function orgKindOf(org: OrgContext): OrgKind {
  if (org.sandbox) return "sandbox";
  return /\.develop\.my\.salesforce\.com/i.test(org.myDomainUrl ?? org.loginUrl)
    ? "developer"
    : "production";
}

const KIND_WORDS: Record<OrgKind, string> = {
  production: "a production org",
  sandbox: "a sandbox",
  developer: "a Developer Edition org",
};

/** The app kind an org entry most likely uses: a 0Ci app id belongs to a Connected App. */
export function defaultAppKind(org: Pick<OrgContext, "appId">): AppKind {
  return org.appId === null ? "external_client_app" : "connected_app";
}

/** The token host and audience that work for this app kind and org kind (errors.md D.1, D.2). */
export function hostAndAudience(
  org: OrgContext,
  kind: AppKind,
  links: Links,
): { tokenHost: string; audience: string } {
  // The configured My Domain keeps its scheme and port; the links' base is always https.
  const own = org.myDomainUrl ?? links.base;
  const myDomain = own ?? "https://<your My Domain>.my.salesforce.com";
  if (kind === "external_client_app") return { tokenHost: myDomain, audience: myDomain };
  return { tokenHost: own ?? org.loginUrl, audience: org.sandbox ? TEST : LOGIN };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

function configWarnings(org: OrgContext, kind: AppKind, links: Links): string[] {
  const want = hostAndAudience(org, kind, links);
  const out: string[] = [];
  if (kind === "external_client_app") {
    if (org.myDomainUrl === null || !sameUrl(org.loginUrl, want.tokenHost)) {
      out.push(
        `loginUrl of ${org.id} is ${org.loginUrl}: an External Client App takes only the org's My Domain (${want.tokenHost}).`,
      );
    }
    if (!sameUrl(org.audience, want.audience)) {
      out.push(
        `audience of ${org.id} is ${org.audience}${org.audienceDerived ? " (derived)" : ""}: set audience: ${want.audience} (an External Client App answers "External client app is not installed in this org" to any other).`,
      );
    }
  } else if (!sameUrl(org.audience, want.audience)) {
    out.push(
      `audience of ${org.id} is ${org.audience}: a Connected App in ${KIND_WORDS[orgKindOf(org)]} takes ${want.audience} (it answers "audience is invalid" to its own My Domain).`,
    );
  }
  return out;
}

function ownedElsewhere(org: OrgContext): boolean {
  return org.appOrgId !== null || org.appId !== null;
}

const PROPAGATION =
  "Salesforce takes 2 to 10 minutes to pass a new app or a changed policy to all its servers; until then it answers as before.";

function appStep(org: OrgContext, kind: AppKind, links: Links): SetupStep {
  const key = `Put its Consumer Key into clientId of ${org.id}.`;
  if (ownedElsewhere(org)) {
    return {
      id: "app",
      title: "The app exists in the org that owns it, and you have its Consumer Key",
      how: [
        `The app lives in another org${org.appOrgId === null ? "" : ` (${org.appOrgId})`}: its owner creates it there, with OAuth on, the JWT bearer flow and scopes api and refresh_token, offline_access. ${key}`,
        PROPAGATION,
      ],
    };
  }
  if (kind === "external_client_app") {
    return {
      id: "app",
      title: "Create the External Client App and copy its Consumer Key",
      how: [
        `${links.setup("externalClientApps")} → New External Client App: a name, your e-mail, Distribution State = Local.`,
        'Enable OAuth with any callback URL (the JWT flow never calls it) and the scopes "Manage user data via APIs (api)" and "Perform requests at any time (refresh_token, offline_access)". Leave PKCE and "Issue JSON Web Token (JWT)-based access tokens for named users" unticked.',
        `The app → Settings → OAuth Settings → App Settings → Consumer Key and Secret. ${key}`,
        PROPAGATION,
      ],
    };
  }
  return {
    id: "app",
    title: "Create the Connected App and copy its Consumer Key",
    how: [
      `${links.setup("appManager")} → New Connected App (new ones are restricted since Spring '26; an existing one still works): Enable OAuth Settings, any callback URL, the scopes api and refresh_token, offline_access.`,
      `App Manager → the app → View → Manage Consumer Details. ${key}`,
      PROPAGATION,
    ],
  };
}

function certificateStep(org: OrgContext, kind: AppKind, links: Links): SetupStep {
  const upload =
    kind === "external_client_app"
      ? `${links.setup("externalClientApps")} → the app → Settings → OAuth Settings → Flow Enablement: tick Enable JWT Bearer Flow and upload the certificate.`
      : `${links.setup("appManager")} → the app → Edit: tick Use digital signatures and upload the certificate.`;
  return {
    id: "certificate",
    title: "Enable the JWT bearer flow with your certificate",
    how: [
      upload,
      `It must belong to the private key of ${org.id}: \`openssl x509 -noout -modulus -in cert.pem\` and \`openssl rsa -noout -modulus -in private-key.pem\` print the same value.`,
    ],
  };
}

function hostStep(org: OrgContext, kind: AppKind, links: Links): SetupStep {
  const { tokenHost, audience } = hostAndAudience(org, kind, links);
  const rule =
    kind === "external_client_app"
      ? "Since Spring '26 an External Client App takes only the org's My Domain, as both token host and audience; through login.salesforce.com or test.salesforce.com it answers \"External client app is not installed in this org\"."
      : `A Connected App takes aud ${LOGIN} (production, Developer Edition) or ${TEST} (sandbox, scratch org), never its own My Domain; the token request may go to the My Domain or to that login host.`;
  const how = [
    `For ${KIND_WORDS[orgKindOf(org)]}: token host ${tokenHost}, aud ${audience}.`,
    rule,
  ];
  if (org.sandbox) {
    how.push(
      "A sandbox's My Domain has -- in its name (acme--dev.sandbox.my.salesforce.com); tools pick the sandbox audience from it.",
    );
  }
  return {
    id: "host",
    title: "Token host and audience",
    how: [...how, ...configWarnings(org, kind, links)],
  };
}

function userStep(org: OrgContext, links: Links): SetupStep {
  const how = [
    `${links.setup("users")} → New User: licence Salesforce Integration, profile "Minimum Access - API Only Integrations", Active. Its Username goes into username of ${org.id} (now "${org.username}").`,
  ];
  if (org.sandbox) {
    how.push(
      "A sandbox refresh adds the sandbox name to usernames (integration@acme.com becomes integration@acme.com.dev): update username after each refresh.",
    );
  }
  return { id: "user", title: "The integration user", how };
}

function installStep(org: OrgContext, links: Links): SetupStep {
  const link = links.installApp();
  const base = links.base ?? "https://<your My Domain>";
  const how = link
    ? [
        `Open ${link} (signed in to this org as an admin) and press Install.`,
        "Since September 2025 an app from another org must be installed before anyone new can authorize it.",
      ]
    : ownedElsewhere(org)
      ? [
          `In the org that owns the app: App Manager → the app → Edit; the page URL ends in its 0Ci… id. Here, open ${base}/identity/app/AppInstallApprovalPage.apexp?app_id=<0Ci id> and press Install; set appId (and appOrgId) of ${org.id} to get this exact link.`,
          `Or ${links.setup("oauthUsage")} → the app → Install, once someone has tried to log in.`,
        ]
      : [
          `An app created in this org is installed already. One from another org (a vendor's) must be installed here: open ${base}/identity/app/AppInstallApprovalPage.apexp?app_id=<its 0Ci… id> and press Install, or ${links.setup("oauthUsage")} → the app → Install.`,
        ];
  return { id: "install", title: "The app is installed in this org", how };
}

function policiesStep(kind: AppKind, links: Links): SetupStep {
  const where =
    kind === "external_client_app"
      ? `${links.setup("externalClientApps")} → the app → Policies → Edit → OAuth Policies`
      : `${links.setup("connectedApps")} → the app → Edit Policies`;
  return {
    id: "policies",
    title: "App policies",
    how: [
      `${where}: Permitted Users = "Admin approved users are pre-authorized"; Refresh Token Policy = "Refresh token is valid until revoked" (any other setting ages the approval out later); IP Relaxation = "Relax IP restrictions". Save.`,
    ],
  };
}

function preauthorizeStep(org: OrgContext, kind: AppKind, links: Links): SetupStep {
  const set = org.permissionSet === null ? "the permission set" : `"${org.permissionSet}"`;
  const link =
    kind === "external_client_app"
      ? `${links.setup("externalClientApps")} → the app → Policies → Edit → App Policies → Select Permission Sets: move ${set} to Selected.`
      : `${links.setup("connectedApps")} → the app → Manage Permission Sets (or Manage Profiles): add ${set}. A set with the Salesforce API Integration licence cannot carry a Connected App: use the user's profile or a second set.`;
  return {
    id: "preauthorize",
    title: "Pre-authorize the user through a permission set",
    how: [
      `${links.setup("permissionSets")} → New (licence Salesforce API Integration), the object permissions the integration needs; Manage Assignments → add "${org.username}", expiry Never Expires.`,
      link,
    ],
  };
}

function apiStep(org: OrgContext): SetupStep {
  const set = org.permissionSet === null ? "the permission set" : `"${org.permissionSet}"`;
  return {
    id: "api",
    title: "API access",
    how: [
      `${set} → System Permissions → API Enabled. An edition without API access answers API_DISABLED_FOR_ORG whatever the user holds.`,
      "The app keeps the api scope, and JWT-based access tokens stay off (SOAP below v68.0 refuses them).",
    ],
  };
}

/** The setup checklist for one org: per app kind, org kind and who owns the app. */
export function onboardingPlan(org: OrgContext, kind: AppKind, links: Links): OnboardingPlan {
  const { tokenHost, audience } = hostAndAudience(org, kind, links);
  const steps: SetupStep[] = [
    {
      id: "key",
      title: "An RSA key and its certificate",
      how: [
        '2048 bits or more (EC keys are refused): `orgwatch onboard --new-key DIR` writes private-key.pem and cert.pem, like `openssl req -x509 -sha256 -nodes -days 3650 -newkey rsa:2048 -keyout private-key.pem -out cert.pem -subj "/CN=salesforce-jwt-integration"`.',
        `The private key stays with the integration and the monitor (privateKeyFile of ${org.id}); the certificate goes on the app.`,
      ],
    },
    appStep(org, kind, links),
    certificateStep(org, kind, links),
    hostStep(org, kind, links),
    userStep(org, links),
    installStep(org, links),
    policiesStep(kind, links),
    preauthorizeStep(org, kind, links),
    apiStep(org),
    {
      id: "verify",
      title: "Every check passes",
      how: [
        "Token exchange, identity, REST, limits, Bulk API 2.0 and Metadata API: then `orgwatch run` keeps watching it.",
      ],
    },
  ];
  return {
    orgId: org.id,
    appKind: kind,
    orgKind: orgKindOf(org),
    tokenHost,
    audience,
    warnings: configWarnings(org, kind, links),
    steps,
  };
}
