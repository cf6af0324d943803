import { CATALOGUE } from "../classify/index.js";
import type { CauseId } from "../domain/causes.js";

/** The cause in one line for any org, from the failure catalogue (the status page's legend). */
export function causeTitle(cause: CauseId): string {
  return CATALOGUE[cause].title;
}

/** Whether the catalogue marks a cause as clearing by itself without looking at evidence. */
export function causeAlwaysTransient(cause: CauseId): boolean {
  return CATALOGUE[cause].transient === true;
}
