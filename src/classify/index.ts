/** The classifier: evidence of one pass plus history in, one root cause with fix steps out. */
export { classify, diagnose } from "./engine.js";
export {
  RULES,
  API_STAGES,
  SOAP_JWT_MIN_API_VERSION,
  firstMatch,
  ruleMatches,
  type Rule,
} from "./rules.js";
export { CATALOGUE, entryFor } from "./catalogue.js";
export type { CauseEntry, Ctx } from "./entry.js";
export { certificateWarning, certificateSeverity, CERTIFICATE_WARN_DAYS } from "./certificate.js";
export { APP_PROPAGATION_WINDOW_MS, APPROVAL_AGE_MIN_MS, sandboxName } from "./lookalikes.js";
export { SETUP_PAGES, linksFor, orgBaseUrl, type Links, type SetupPage } from "./links.js";
export { scrub, readableExcerpt, MAX_QUOTE_CHARS } from "./scrub.js";
export { toFailure, firstFailedStage, type Failure } from "./failure.js";
export type { Classification, ClassifyInput, OrgContext } from "./types.js";
