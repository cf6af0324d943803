import { EMPTY_HISTORY, type OrgHistory } from "../domain/history.js";
import type { OrgState } from "./types.js";

/** The classifier's view of an org's past, derived from its stored state. */
export function historyOf(state: OrgState | null): OrgHistory {
  if (!state) return { ...EMPTY_HISTORY };
  return {
    firstSeenAt: state.firstSeenAt,
    firstSuccessAt: state.firstSuccessAt,
    lastSuccessAt: state.lastSuccessAt,
    lastOrganizationId: state.lastOrganizationId,
    lastUsername: state.lastUsername,
    lastInstanceUrl: state.lastInstanceUrl,
    configChangedAt: state.configChangedAt,
  };
}
