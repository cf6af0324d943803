import type { CheckId } from "../domain/stages.js";
import type { CertificateStatus, KeyStatus } from "./keys.js";

/** Everything needed to check one org, resolved from the config (defaults applied, key read). */
export interface OrgTarget {
  id: string;
  name: string;
  /** Where the token request goes, without a trailing slash. */
  loginUrl: string;
  tokenUrl: string;
  /** The JWT `aud` claim. */
  audience: string;
  /** True when the audience was derived from loginUrl rather than written in the config. */
  audienceDerived: boolean;
  /** Whether loginUrl names a sandbox (test.salesforce.com, `--` or `.sandbox.` in a My Domain). */
  sandbox: boolean;
  /** The org's My Domain URL when loginUrl is one; Setup links are built from it. */
  myDomainUrl: string | null;
  clientId: string;
  username: string;
  key: KeyStatus;
  certificate: CertificateStatus | null;
  interval: number;
  timeout: number;
  apiVersion: string;
  checks: CheckId[];
  loginBudgetPerHour: number;
  failureThreshold: number;
  successThreshold: number;
  apiFloorPercent: number;
  maxBackoff: number;
  tags: string[];
  createdAt: string | null;
  appId: string | null;
  appOrgId: string | null;
  permissionSet: string | null;
}

const GENERIC_HOSTS = new Set(["login.salesforce.com", "test.salesforce.com"]);

/** Whether a host is a sandbox or scratch org host, the way Salesforce tools decide it. */
export function isSandboxHost(host: string): boolean {
  return (
    host === "test.salesforce.com" ||
    host.includes("--") ||
    host.includes(".sandbox.") ||
    host.includes(".scratch.")
  );
}

/** The `aud` Salesforce expects for a login URL when the config names none. */
export function deriveAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  return isSandboxHost(host) ? "https://test.salesforce.com" : "https://login.salesforce.com";
}

/** The org's own My Domain URL, or null for the generic login hosts. */
export function myDomainOf(loginUrl: string): string | null {
  const url = new URL(loginUrl);
  if (GENERIC_HOSTS.has(url.hostname)) return null;
  return `${url.protocol}//${url.host}`;
}
