import type { OrgHistory } from "../domain/index.js";
import type { OrgContext } from "./types.js";

/** Lightning Setup pages the fix steps point at: label as shown in Setup, and path. */
export const SETUP_PAGES = {
  externalClientApps: [
    "External Client App Manager",
    "/lightning/setup/ManageExternalClientApplication/home",
  ],
  appManager: ["App Manager", "/lightning/setup/NavigationMenus/home"],
  connectedApps: ["Manage Connected Apps", "/lightning/setup/ConnectedApplication/home"],
  oauthUsage: ["Connected Apps OAuth Usage", "/lightning/setup/ConnectedAppsUsage/home"],
  users: ["Users", "/lightning/setup/ManageUsers/home"],
  permissionSets: ["Permission Sets", "/lightning/setup/PermSets/home"],
  profiles: ["Profiles", "/lightning/setup/EnhancedProfiles/home"],
  companyInfo: ["Company Information", "/lightning/setup/CompanyProfileInfo/home"],
  systemOverview: ["System Overview", "/lightning/setup/SystemOverview/home"],
  myDomain: ["My Domain", "/lightning/setup/OrgDomain/home"],
  loginHistory: ["Login History", "/lightning/setup/OrgLoginHistory/home"],
  sessionSettings: ["Session Settings", "/lightning/setup/SecuritySession/home"],
  networkAccess: ["Network Access", "/lightning/setup/NetworkAccess/home"],
  auditTrail: ["View Setup Audit Trail", "/lightning/setup/SecurityEvents/home"],
} as const satisfies Record<string, readonly [string, string]>;

/** A Setup page key. */
export type SetupPage = keyof typeof SETUP_PAGES;

/** Builds this org's clickable Setup links, or names the page in words when no host is known. */
export interface Links {
  /** The org's own base URL (`https://acme.my.salesforce.com`), or null when unknown. */
  base: string | null;
  /** `Setup → <page> (<url>)`, or `Setup → <page>` without a base. */
  setup(page: SetupPage): string;
  /** The install/approval page for the app (seed 000/001), or null when the 0Ci id is unknown. */
  installApp(): string | null;
}

/** The org's base URL: its My Domain, else the last instance_url seen, else null. */
export function orgBaseUrl(org: OrgContext, history: OrgHistory): string | null {
  for (const candidate of [org.myDomainUrl, history.lastInstanceUrl]) {
    const base = normaliseBase(candidate);
    if (base !== null) return base;
  }
  return null;
}

/** `https://host` (no path, no trailing slash) from a URL-ish string, or null. */
function normaliseBase(url: string | null): string | null {
  if (url === null || url.trim() === "") return null;
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    return `https://${u.host}`;
  } catch {
    return null;
  }
}

/** The link builder for one org. */
export function linksFor(org: OrgContext, history: OrgHistory): Links {
  const base = orgBaseUrl(org, history);
  return {
    base,
    setup(page) {
      const [label, path] = SETUP_PAGES[page];
      return base === null ? `Setup → ${label}` : `Setup → ${label} (${base}${path})`;
    },
    installApp() {
      if (org.appId === null) return null;
      const host = base ?? "https://<your My Domain>";
      const owner = org.appOrgId === null ? "" : `&app_org_id=${encodeURIComponent(org.appOrgId)}`;
      return `${host}/identity/app/AppInstallApprovalPage.apexp?app_id=${encodeURIComponent(org.appId)}${owner}`;
    },
  };
}
