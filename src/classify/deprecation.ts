import type { Diagnosis, OrgHistory, StageResult } from "../domain/index.js";
import { contextFor } from "./entry.js";
import { scrub } from "./scrub.js";
import type { OrgContext } from "./types.js";

/**
 * The side warning for a deprecated API version (errors.md D.11): Salesforce adds a `Warning`
 * header to answers for versions due to retire. Null when no stage of the pass carried one.
 */
export function deprecationWarning(
  org: OrgContext,
  history: OrgHistory,
  stages: readonly StageResult[],
  now: number,
): Diagnosis | null {
  const hit = stages.find((s) => s.evidence?.headers?.warning !== undefined);
  const warning = hit?.evidence?.headers?.warning;
  if (hit === undefined || warning === undefined) return null;
  const c = contextFor({
    org,
    history,
    now,
    stage: hit.stage,
    evidence: hit.evidence ?? { kind: "http" },
    tokenFormat: null,
  });
  return {
    cause: "api_version_unsupported",
    stage: hit.stage,
    severity: "warning",
    transient: false,
    summary: `${org.name}: API version ${org.apiVersion} is deprecated and will be retired (Salesforce said: "${scrub(warning)}"); it still works today.`,
    fix: [
      `Move to a current version before it retires: pick one listed by GET ${c.links.base ?? "<instance URL>"}/services/data and set apiVersion for ${org.id}, and for any integration pinned to ${org.apiVersion} (versions 31.0 to 40.0 retire in Summer '28).`,
      `Re-check: ${org.recheckCommand}`,
    ],
    reference: "shared/reference/errors.md#d-corrections-and-additions-second-review-with-sources",
  };
}
