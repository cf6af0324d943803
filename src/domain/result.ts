import type { CauseId, Severity } from "./causes.js";
import type { StageId } from "./stages.js";

/**
 * Response headers kept as evidence: the ones that tell Salesforce from a proxy or CDN
 * (`server`, `x-sfdc-request-id`, `x-squid-error`, `via`), announce a deprecated version
 * (`warning`) or say how to retry. Never cookies, never authorization headers.
 */
export const EVIDENCE_HEADERS = [
  "server",
  "x-sfdc-request-id",
  "x-squid-error",
  "via",
  "warning",
  "www-authenticate",
  "retry-after",
] as const;

/** One kept header name. */
export type EvidenceHeader = (typeof EVIDENCE_HEADERS)[number];

/** What one stage saw on the wire (or locally). Never holds a secret: no token, no assertion, no key. */
export interface Evidence {
  /** Where the evidence came from. */
  kind: "local" | "http" | "network" | "timeout" | "skipped";
  httpStatus?: number;
  /** OAuth `error` / `error_description` from the token endpoint. */
  error?: string;
  errorDescription?: string;
  /** REST `errorCode` / `message`, or a SOAP faultcode without its prefix. */
  errorCode?: string;
  message?: string;
  contentType?: string;
  /** A short, secret-free excerpt of an unparsable body (HTML page, truncated JSON). */
  bodyExcerpt?: string;
  /** Node's error code for a failed connection (ECONNREFUSED, ENOTFOUND, ...). */
  networkCode?: string;
  /** Local problem text (key unreadable, not RSA, ...). */
  detail?: string;
  /** Shape of the access token the exchange returned. */
  tokenFormat?: "opaque" | "jwt";
  /** Where an HTTP redirect pointed (host and path only). */
  redirectTo?: string;
  /** The kept response headers (EVIDENCE_HEADERS), values scrubbed and capped. */
  headers?: Partial<Record<EvidenceHeader, string>>;
}

/** The outcome of one stage. */
export interface StageResult {
  stage: StageId;
  ok: boolean;
  skipped: boolean;
  /** Why a stage was skipped: its prerequisite failed, API headroom is low, or it is not configured. */
  skipReason?: "prerequisite_failed" | "api_floor" | "not_configured" | "budget";
  durationMs: number;
  httpStatus: number | null;
  errorCode: string | null;
  evidence?: Evidence;
}

/** The classification of one pass: the single root cause and what to do about it. */
export interface Diagnosis {
  cause: CauseId;
  stage: StageId;
  severity: Severity;
  transient: boolean;
  summary: string;
  fix: string[];
  reference?: string;
}

/** Facts learned about the org on a successful pass, used by history rules. */
export interface OrgFacts {
  organizationId?: string;
  userId?: string;
  username?: string;
  tokenFormat?: "opaque" | "jwt";
  /** The instance_url of the token exchange: where API calls and Setup links go. */
  instanceUrl?: string;
  apiUsed?: number;
  apiMax?: number;
  certificateNotAfter?: string;
  /** A `Warning` header Salesforce sent on an API answer (a deprecated API version), scrubbed. */
  apiVersionWarning?: string;
}

/** One pass over one org: the unit a worker produces and a coordinator records. */
export interface CheckResult {
  /** Idempotency key: the same scheduled check retried yields the same id. */
  checkId: string;
  orgId: string;
  startedAt: string;
  finishedAt: string;
  healthy: boolean;
  /** Null when healthy. */
  diagnosis: Diagnosis | null;
  /** Side warnings that do not make the org unhealthy (certificate expiring). */
  warnings: Diagnosis[];
  stages: StageResult[];
  facts: OrgFacts;
  /** Whether a token request was sent (counts against the login budget). */
  loginAttempted: boolean;
}
