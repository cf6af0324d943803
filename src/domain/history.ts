/**
 * What the monitor remembers about an org between passes; the classifier uses it to tell
 * look-alike failures apart (aged-out approval vs never approved, propagation vs bad client id,
 * renamed sandbox user). All timestamps are ISO strings; null when never seen.
 */
export interface OrgHistory {
  /** First pass ever recorded for this org (with its current clientId and username). */
  firstSeenAt: string | null;
  /** First and last passes whose token exchange succeeded. */
  firstSuccessAt: string | null;
  lastSuccessAt: string | null;
  /** The 00D org id and username seen on the last successful pass (from the identity URL). */
  lastOrganizationId: string | null;
  lastUsername: string | null;
  /** The instance_url of the last successful token exchange; Setup links fall back to it. */
  lastInstanceUrl: string | null;
  /** When the org's connection settings (clientId, username, loginUrl, audience, key) last changed. */
  configChangedAt: string | null;
  /**
   * The 00D org id under which the configured username last passed the token exchange; null when
   * it never did. When absent it is taken to be `lastOrganizationId` if `lastUsername` is the
   * configured one. A value other than `lastOrganizationId` means the org got a new id since the
   * username last worked: a sandbox refresh.
   */
  usernameOrganizationId?: string | null;
}

/** History for an org never seen before. */
export const EMPTY_HISTORY: OrgHistory = {
  firstSeenAt: null,
  firstSuccessAt: null,
  lastSuccessAt: null,
  lastOrganizationId: null,
  lastUsername: null,
  lastInstanceUrl: null,
  configChangedAt: null,
};
