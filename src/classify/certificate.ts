import type { Diagnosis, OrgHistory, Severity } from "../domain/index.js";
import { CATALOGUE } from "./catalogue.js";
import { certificateDaysLeft } from "./catalogue-other.js";
import { contextFor } from "./entry.js";
import type { OrgContext } from "./types.js";

/** Days-before-expiry thresholds and the severity each one raises the warning to. */
export const CERTIFICATE_WARN_DAYS: ReadonlyArray<readonly [number, Severity]> = [
  [7, "critical"],
  [14, "warning"],
  [30, "info"],
];

/** The severity of a certificate that expires in `daysLeft` whole days, or null when not yet due. */
export function certificateSeverity(daysLeft: number): Severity | null {
  if (daysLeft < 0) return "critical";
  const hit = CERTIFICATE_WARN_DAYS.find(([days]) => daysLeft <= days);
  return hit === undefined ? null : hit[1];
}

/** The `certificate_expiring` warning for the org's certificate copy, or null when not due. */
export function certificateWarning(
  org: OrgContext,
  history: OrgHistory,
  now: number,
): Diagnosis | null {
  const left = certificateDaysLeft(org.certificateNotAfter, now);
  if (left === null) return null;
  const severity = certificateSeverity(left);
  if (severity === null) return null;
  const entry = CATALOGUE.certificate_expiring;
  const c = contextFor({
    org,
    history,
    now,
    stage: "local",
    evidence: { kind: "local" },
    tokenFormat: null,
  });
  return {
    cause: "certificate_expiring",
    stage: "local",
    severity,
    transient: false,
    summary: entry.summary(c),
    fix: [...entry.fix(c), `Re-check: ${org.recheckCommand}`],
    reference: entry.reference,
  };
}
