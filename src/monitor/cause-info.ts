import { CATALOGUE } from "../classify/index.js";
import { CAUSE_SUMMARIES, type CauseId } from "../domain/causes.js";

/** The cause in one line for any org (the status page's legend; dashboards show the same). */
export function causeTitle(cause: CauseId): string {
  return CAUSE_SUMMARIES[cause];
}

/** Whether the catalogue marks a cause as clearing by itself without looking at evidence. */
export function causeAlwaysTransient(cause: CauseId): boolean {
  return CATALOGUE[cause].transient === true;
}
