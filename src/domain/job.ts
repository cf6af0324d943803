import type { OrgHistory } from "./history.js";

/** The one check-id format: the same org and due time always give the same id. */
export function checkIdFor(orgId: string, dueAtMs: number): string {
  return `${orgId}:${new Date(dueAtMs).toISOString()}`;
}

/**
 * What a worker needs to check one org, besides the target it reads from its own config: it
 * crosses a process boundary as JSON, so it holds no key, token or assertion.
 */
export interface CheckJob {
  checkId: string;
  orgId: string;
  /** Epoch ms the check was due. */
  dueAt: number;
  /** The classifier's view of the org's past. */
  history: OrgHistory;
  /** The freshest API usage known, so the worker can keep to the API floor. */
  apiUsage: { used: number; max: number } | null;
}
