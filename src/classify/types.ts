import type { Diagnosis, StageResult } from "../domain/result.js";
import type { OrgHistory } from "../domain/history.js";

/** What the classifier may know about the org itself: names and links, never a secret. */
export interface OrgContext {
  id: string;
  name: string;
  loginUrl: string;
  audience: string;
  audienceDerived: boolean;
  sandbox: boolean;
  /** The org's My Domain URL (Setup links are built from it), or null for login/test hosts. */
  myDomainUrl: string | null;
  username: string;
  apiVersion: string;
  permissionSet: string | null;
  appId: string | null;
  appOrgId: string | null;
  /** When the app/config was set up, from the config (ISO), or null. */
  createdAt: string | null;
  /** Certificate copy expiry (ISO), when a certificate is configured. */
  certificateNotAfter: string | null;
  /** Whether that certificate copy belongs to the monitor's key; null when unknown. */
  certificateMatchesKey?: boolean | null;
  /** The shell command that re-checks this org now. */
  recheckCommand: string;
}

/** Everything one classification looks at. */
export interface ClassifyInput {
  org: OrgContext;
  /** The stages of this pass in running order; the first failed one carries the evidence. */
  stages: StageResult[];
  history: OrgHistory;
  /** Epoch milliseconds of the pass. */
  now: number;
}

/** The classifier's answer: the single root cause (null when healthy) and side warnings. */
export interface Classification {
  diagnosis: Diagnosis | null;
  warnings: Diagnosis[];
}
