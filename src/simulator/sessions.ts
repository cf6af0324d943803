import { createHmac, randomBytes } from "node:crypto";
import { orgByKey } from "./lookup.js";
import { orgNow, type Session, type SimOrg, type SimState, type SimUser } from "./state.js";

/** The token endpoint's 200 body, fields in the order Salesforce sends them. */
export interface TokenBody {
  access_token: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: "Bearer";
  issued_at: string;
  signature: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

function opaqueToken(org: SimOrg): string {
  // 00D…!… : the 15-character org id, one "!", then base62 with "." (no three-part shape)
  return `${org.orgId.slice(0, 15)}!AQ${randomBytes(72).toString("base64url").replace(/[-_]/g, ".")}`;
}

function jwtToken(org: SimOrg, user: SimUser, baseUrl: string, issuedAt: number): string {
  const header = b64url({ alg: "HS256", typ: "JWT", kid: "orgwatch-sim" });
  const claims = b64url({
    iss: baseUrl,
    sub: user.userId,
    org: org.orgId,
    scp: org.app.scopes,
    iat: Math.floor(issuedAt / 1000),
    jti: randomBytes(12).toString("hex"),
  });
  const sig = createHmac("sha256", org.app.secret)
    .update(`${header}.${claims}`)
    .digest("base64url");
  return `${header}.${claims}.${sig}`;
}

/** Issues an access token for a user and records its session; returns the success body. */
export function issueToken(
  state: SimState,
  org: SimOrg,
  user: SimUser,
  baseUrl: string,
): TokenBody {
  const now = orgNow(state, org);
  const jwt = org.app.jwtAccessTokens;
  const token = jwt ? jwtToken(org, user, baseUrl, now) : opaqueToken(org);
  state.sessions.set(token, {
    orgKey: org.id,
    orgId: org.orgId,
    userId: user.userId,
    epoch: org.sessionEpoch,
    jwt,
    scopes: [...org.app.scopes],
    issuedAt: now,
    lastUsedAt: now,
  });
  const id = `${baseUrl}/id/${org.orgId}/${user.userId}`;
  const issuedAt = String(now);
  return {
    access_token: token,
    scope: org.app.scopes.join(" "),
    instance_url: baseUrl,
    id,
    token_type: "Bearer",
    issued_at: issuedAt,
    signature: createHmac("sha256", org.app.secret)
      .update(id + issuedAt)
      .digest("base64"),
  };
}

/** A live session and who it belongs to, or why there is none. */
export type SessionLookup =
  { ok: true; session: Session; org: SimOrg; user: SimUser } | { ok: false; org: SimOrg | null };

/**
 * Finds the session for a token. A session dies when idle longer than the org's session timeout,
 * when revoked, when the org was refreshed (new org id) or when its user is gone or inactive.
 */
export function lookupSession(state: SimState, token: string): SessionLookup {
  const session = state.sessions.get(token);
  if (!session) return { ok: false, org: null };
  const org = orgByKey(state, session.orgKey);
  if (!org) return { ok: false, org: null };
  const user = org.users.find((u) => u.userId === session.userId);
  const now = orgNow(state, org);
  const alive =
    session.orgId === org.orgId &&
    org.active &&
    user !== undefined &&
    user.active &&
    !user.frozen &&
    session.epoch === org.sessionEpoch &&
    now - session.lastUsedAt < org.sessionTimeout;
  if (!alive) return { ok: false, org };
  session.lastUsedAt = now;
  return { ok: true, session, org, user };
}
