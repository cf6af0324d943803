import type { CauseId } from "../domain/index.js";
import { apiEntries } from "./catalogue-api.js";
import { otherEntries } from "./catalogue-other.js";
import { tokenEntries } from "./catalogue-token.js";
import type { CauseEntry } from "./entry.js";

/** Every root cause as data; `satisfies` makes a new cause id without an entry a compile error. */
export const CATALOGUE = {
  ...otherEntries,
  ...tokenEntries,
  ...apiEntries,
} satisfies Record<CauseId, CauseEntry>;

/** The catalogue entry of a cause. */
export function entryFor(cause: CauseId): CauseEntry {
  return CATALOGUE[cause];
}
