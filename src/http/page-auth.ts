import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Share links and the page's login cookie: both are HMAC-SHA256 signatures checked in constant
 * time. A share token names one org and an expiry and is signed with `server.shareSecret`, so
 * rotating that secret revokes every link. The login cookie holds no token: it is an expiry
 * signed with a key derived from `server.apiToken`, so changing the token logs everyone out.
 */

const ORG_ID = /^[a-z0-9_-]{1,64}$/;
const SHARE_RE = /^([a-z0-9_-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const SESSION_RE = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The name of the page's login cookie. */
export const SESSION_COOKIE = "orgwatch_session";

/** How long a login on the page lasts. */
export const SESSION_TTL_MS = 7 * 86_400_000;

/** The longest a share link may live: a link is a credential, so it must expire. */
export const MAX_SHARE_TTL_MS = 90 * 86_400_000;

/** Why a share token was refused. */
export type ShareRefusal = "malformed" | "bad_signature" | "expired";

/** A checked share token: the one org it opens, or why it opens nothing. */
export type ShareCheck =
  { ok: true; orgId: string; expiresAt: number } | { ok: false; reason: ShareRefusal };

function mac(key: string | Buffer, text: string): string {
  return createHmac("sha256", key).update(text).digest("base64url");
}

/** Compares two strings in time that depends only on their lengths. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Signs a share token for one org, valid until `expiresAtMs` (rounded down to a second). */
export function signShare(orgId: string, expiresAtMs: number, secret: string): string {
  if (!ORG_ID.test(orgId)) throw new Error(`not an org id: ${JSON.stringify(orgId)}`);
  const exp = String(Math.floor(expiresAtMs / 1000));
  return `${orgId}.${exp}.${mac(secret, `orgwatch-share:v1:${orgId}:${exp}`)}`;
}

/** Checks a share token's signature and expiry; the org it names is the only one it opens. */
export function verifyShare(token: string, secret: string, nowMs: number): ShareCheck {
  const m = SHARE_RE.exec(token);
  if (!m) return { ok: false, reason: "malformed" };
  const [, orgId = "", exp = "", sig = ""] = m;
  if (!sameText(sig, mac(secret, `orgwatch-share:v1:${orgId}:${exp}`))) {
    return { ok: false, reason: "bad_signature" };
  }
  const expiresAt = Number(exp) * 1000;
  if (expiresAt <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true, orgId, expiresAt };
}

/** The URL a share token opens, under `server.publicUrl`. */
export function shareUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/share/${token}`;
}

function sessionKey(apiToken: string): Buffer {
  return createHmac("sha256", apiToken).update("orgwatch-page-session:v1").digest();
}

/** The login cookie's value: an expiry signed with a key derived from the API token. */
export function signSession(apiToken: string, nowMs: number, ttlMs = SESSION_TTL_MS): string {
  const exp = String(Math.floor((nowMs + ttlMs) / 1000));
  return `${exp}.${mac(sessionKey(apiToken), `session:${exp}`)}`;
}

/** Whether a login cookie's value is signed for this API token and not expired. */
export function verifySession(value: string, apiToken: string, nowMs: number): boolean {
  const m = SESSION_RE.exec(value);
  if (!m) return false;
  const [, exp = "", sig = ""] = m;
  if (!sameText(sig, mac(sessionKey(apiToken), `session:${exp}`))) return false;
  return Number(exp) * 1000 > nowMs;
}

/** One cookie's value from a `Cookie` header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** The `Set-Cookie` header of a login (`Secure` when the page is served over https). */
export function sessionCookie(
  value: string,
  secure: boolean,
  maxAgeMs = SESSION_TTL_MS,
  path = "/",
): string {
  const attrs = [
    `${SESSION_COOKIE}=${value}`,
    `Path=${path}`,
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${String(Math.floor(maxAgeMs / 1000))}`,
  ];
  if (secure) attrs.push("Secure");
  return attrs.join("; ");
}
