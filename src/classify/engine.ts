import type { Diagnosis } from "../domain/index.js";
import { CATALOGUE } from "./catalogue.js";
import { certificateWarning } from "./certificate.js";
import { deprecationWarning } from "./deprecation.js";
import { contextFor } from "./entry.js";
import { toFailure, type Failure } from "./failure.js";
import { firstMatch } from "./rules.js";
import type { Classification, ClassifyInput } from "./types.js";

/**
 * Decides the single root cause of one pass (null when healthy) by the first matching rule,
 * plus side warnings (certificate expiry, a deprecated API version). Pure: time comes from `input.now`.
 */
export function classify(input: ClassifyInput): Classification {
  const warnings = [
    certificateWarning(input.org, input.history, input.now),
    deprecationWarning(input.org, input.history, input.stages, input.now),
  ].filter((w): w is Diagnosis => w !== null);
  const failure = toFailure(input);
  return { diagnosis: failure === null ? null : diagnose(failure), warnings };
}

/** The diagnosis of one failure: the first matching rule's cause, worded by its catalogue entry. */
export function diagnose(f: Failure): Diagnosis {
  const rule = firstMatch(f);
  const entry = CATALOGUE[rule.id];
  const c = contextFor(f);
  return {
    cause: rule.id,
    stage: f.stage,
    severity: entry.severity,
    transient: typeof entry.transient === "function" ? entry.transient(f) : entry.transient,
    summary: entry.summary(c),
    fix: [...entry.fix(c), `Re-check: ${f.org.recheckCommand}`],
    reference: entry.reference,
  };
}
