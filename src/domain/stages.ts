/** The network checks an org can be given, in the order they run. */
export const CHECK_IDS = ["token", "identity", "rest", "limits", "bulk", "metadata"] as const;

/** One configurable network check. */
export type CheckId = (typeof CHECK_IDS)[number];

/** A stage of one pass: the local key checks, then the network checks. */
export type StageId = "local" | CheckId;

/** Every stage in running order. */
export const STAGE_IDS: readonly StageId[] = ["local", ...CHECK_IDS];
